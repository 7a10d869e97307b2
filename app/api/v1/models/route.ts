import { authenticateApi, handleApi } from "@/app/_server/api";
import { createModel } from "@/app/_server/models";
import { readJsonBody } from "@/app/_server/request-body";
import { getDb } from "@/db/client";
import { listModels } from "@/db/queries/models";

// A model is a few short texts; 1 MiB is generous and bounds what is read.
const MAX_BODY_BYTES = 1024 * 1024;

/** Every model with its latest version and champion. */
export async function GET(request: Request) {
  return handleApi("models.list", async () => {
    const principal = await authenticateApi(request, { permission: "models.read" });
    const models = await listModels(getDb());
    // A key limited to some models sees only those.
    const limitedTo = principal.kind === "api_key" ? principal.modelIds : null;
    return Response.json({ models: limitedTo ? models.filter((model) => limitedTo.includes(model.id)) : models });
  });
}

/** Creates a model (JSON: slug, displayName, description, riskTier, useCase, businessKpi). */
export async function POST(request: Request) {
  return handleApi("models.create", async () => {
    const principal = await authenticateApi(request, { permission: "model.create" });
    const body = await readJsonBody(request, MAX_BODY_BYTES);
    const created = await createModel(getDb(), principal, body);
    return Response.json(created, { status: 201 });
  });
}

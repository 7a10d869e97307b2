import { authenticateApi, handleApi } from "@/app/_server/api";
import { updateModel } from "@/app/_server/models";
import { readJsonBody } from "@/app/_server/request-body";
import { getDb } from "@/db/client";

// A model is a few short texts; 1 MiB is generous and bounds what is read.
const MAX_BODY_BYTES = 1024 * 1024;

/** Edits a model (JSON: any of displayName, description, riskTier, useCase, businessKpi). */
export async function PATCH(request: Request, context: { params: Promise<{ name: string }> }) {
  return handleApi("models.update", async () => {
    const { principal, model } = await authenticateApi(request, { permission: "model.edit", model: (await context.params).name });
    const body = await readJsonBody(request, MAX_BODY_BYTES);
    return Response.json(await updateModel(getDb(), principal, model.slug, body));
  });
}

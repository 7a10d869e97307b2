import { authenticateApi, handleApi } from "@/app/_server/api";
import { createModel } from "@/app/_server/models";
import { getDb } from "@/db/client";
import { listModels } from "@/db/queries/models";

/** Every model with its latest version and champion. */
export async function GET(request: Request) {
  return handleApi("models.list", async () => {
    await authenticateApi(request, { roles: ["admin", "scientist", "committee", "analyst", "executive"], scope: "read" });
    return Response.json({ models: await listModels(getDb()) });
  });
}

/** Creates a model (JSON: slug, displayName, description, riskTier, useCase, businessKpi). */
export async function POST(request: Request) {
  return handleApi("models.create", async () => {
    const principal = await authenticateApi(request, { roles: ["admin", "scientist"], scope: "registry" });
    const body = await request.json().catch(() => undefined);
    const created = await createModel(getDb(), principal, body);
    return Response.json(created, { status: 201 });
  });
}

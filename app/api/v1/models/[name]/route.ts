import { authenticateApi, handleApi } from "@/app/_server/api";
import { updateModel } from "@/app/_server/models";
import { getDb } from "@/db/client";

/** Edits a model (JSON: any of displayName, description, riskTier, useCase, businessKpi). */
export async function PATCH(request: Request, context: { params: Promise<{ name: string }> }) {
  return handleApi("models.update", async () => {
    const { principal, model } = await authenticateApi(request, { permission: "model.edit", model: (await context.params).name });
    const body = await request.json().catch(() => undefined);
    return Response.json(await updateModel(getDb(), principal, model.slug, body));
  });
}

import "server-only";
import { appendAuditRecord } from "@/db/audit";
import type { TDatabase } from "@/db/connection";
import { getModelBySlug, insertDeployment, insertModel } from "@/db/queries/registry";
import { ZCreateModelInput } from "@/lib/registry";
import type { TApiPrincipal } from "./api";
import { ApiError, zodIssues } from "./api-errors";

/** Creates a model and its (empty) deployment row, audited, in one transaction. */
export async function createModel(db: TDatabase, principal: Pick<TApiPrincipal, "kind" | "id" | "label">, raw: unknown) {
  const parsed = ZCreateModelInput.safeParse(raw);
  if (!parsed.success) throw new ApiError(422, "invalid_input", "The model is not valid.", zodIssues(parsed.error));
  const userId = principal.kind === "user" ? principal.id : null;
  return db.transaction(async (tx) => {
    if (await getModelBySlug(tx, parsed.data.slug)) throw new ApiError(409, "model_exists", `A model named '${parsed.data.slug}' already exists.`, [{ field: "slug", message: "already taken" }]);
    const model = await insertModel(tx, { ...parsed.data, ownerId: userId, createdBy: userId });
    await insertDeployment(tx, { modelId: model.id, mode: "off" });
    await appendAuditRecord(tx, { actorId: userId, actorLabel: principal.label, action: "registry.model_created", subjectType: "model", subjectId: model.id, modelId: model.id, input: parsed.data });
    return { id: model.id, slug: model.slug, displayName: model.displayName, riskTier: model.riskTier };
  });
}

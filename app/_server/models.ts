import "server-only";
import { appendAuditRecord } from "@/db/audit";
import type { TDatabase, TDb } from "@/db/connection";
import { findUserIdByEmail, getModelBySlug, insertDeployment, insertModel, updateModelRow } from "@/db/queries/registry";
import { ZCreateModelInput, ZUpdateModelInput } from "@/lib/registry";
import type { TApiPrincipal } from "./api";
import { ApiError, zodIssues } from "./api-errors";

/** The user id of an owner given by email; a 422 naming the field when no user has it. */
async function ownerIdOrThrow(db: TDb, email: string): Promise<string> {
  const id = await findUserIdByEmail(db, email);
  if (!id)
    throw new ApiError(422, "invalid_input", `No Oversight user has the email '${email}'.`, [
      { field: "owner", message: "no user with this email" },
    ]);
  return id;
}

/** Creates a model and its (empty) deployment row, audited, in one transaction. */
export async function createModel(db: TDatabase, principal: Pick<TApiPrincipal, "kind" | "id" | "label">, raw: unknown) {
  const parsed = ZCreateModelInput.safeParse(raw);
  if (!parsed.success) throw new ApiError(422, "invalid_input", "The model is not valid.", zodIssues(parsed.error));
  const userId = principal.kind === "user" ? principal.id : null;
  return db.transaction(async (tx) => {
    if (await getModelBySlug(tx, parsed.data.slug))
      throw new ApiError(409, "model_exists", `A model named '${parsed.data.slug}' already exists.`, [
        { field: "slug", message: "already taken" },
      ]);
    const { owner, ...fields } = parsed.data;
    const ownerId = owner ? await ownerIdOrThrow(tx, owner) : userId;
    const model = await insertModel(tx, { ...fields, ownerId, createdBy: userId });
    await insertDeployment(tx, { modelId: model.id, mode: "off" });
    await appendAuditRecord(tx, {
      actorId: userId,
      actorLabel: principal.label,
      action: "registry.model_created",
      subjectType: "model",
      subjectId: model.id,
      modelId: model.id,
      input: parsed.data,
    });
    return { id: model.id, slug: model.slug, displayName: model.displayName, riskTier: model.riskTier };
  });
}

/** Edits a model's descriptive fields (the slug never changes), audited with before and after. */
export async function updateModel(db: TDatabase, principal: Pick<TApiPrincipal, "kind" | "id" | "label">, slug: string, raw: unknown) {
  const parsed = ZUpdateModelInput.safeParse(raw);
  if (!parsed.success) throw new ApiError(422, "invalid_input", "The model is not valid.", zodIssues(parsed.error));
  return db.transaction(async (tx) => {
    const current = await getModelBySlug(tx, slug);
    if (!current) throw new ApiError(404, "unknown_model", `No model named '${slug}'.`);
    const { owner, ...fields } = parsed.data;
    const wanted = owner ? { ...fields, ownerId: await ownerIdOrThrow(tx, owner) } : fields;
    const changes = Object.fromEntries(
      Object.entries(wanted).filter(([key, value]) => value !== undefined && value !== current[key as keyof typeof current]),
    );
    if (Object.keys(changes).length === 0) return { slug, changed: [] as string[] };
    await updateModelRow(tx, current.id, changes);
    await appendAuditRecord(tx, {
      actorId: principal.kind === "user" ? principal.id : null,
      actorLabel: principal.label,
      action: "registry.model_edited",
      subjectType: "model",
      subjectId: current.id,
      modelId: current.id,
      input: { before: Object.fromEntries(Object.keys(changes).map((key) => [key, current[key as keyof typeof current]])), after: changes },
    });
    return { slug, changed: Object.keys(changes) };
  });
}

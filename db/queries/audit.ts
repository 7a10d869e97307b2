import { and, asc, desc, eq, gte, ilike, lt, type SQL } from "drizzle-orm";
import { GENESIS_HASH } from "@/lib/audit/hash-chain";
import type { TAuditRow } from "@/lib/types/audit";
import type { TDb } from "../connection";
import { auditRecords, models } from "../schema";

export type TAuditListItem = TAuditRow;

export type TAuditFilter = { actor?: string; action?: string; modelSlug?: string; from?: Date; to?: Date };

function conditions(filter: TAuditFilter): SQL | undefined {
  const parts: SQL[] = [];
  if (filter.actor) parts.push(ilike(auditRecords.actorLabel, `%${filter.actor.replace(/[%_\\]/g, (c) => `\\${c}`)}%`));
  if (filter.action) parts.push(eq(auditRecords.action, filter.action));
  if (filter.modelSlug) parts.push(eq(models.slug, filter.modelSlug));
  if (filter.from) parts.push(gte(auditRecords.occurredAt, filter.from));
  if (filter.to) parts.push(lt(auditRecords.occurredAt, filter.to));
  return parts.length ? and(...parts) : undefined;
}

/** Audit records matching the filter, newest first. */
export async function listAuditRecords(db: TDb, options: { limit: number; filter?: TAuditFilter }): Promise<TAuditListItem[]> {
  return db
    .select({ ...getAuditColumns(), modelSlug: models.slug })
    .from(auditRecords)
    .leftJoin(models, eq(models.id, auditRecords.modelId))
    .where(conditions(options.filter ?? {}))
    .orderBy(desc(auditRecords.sequence))
    .limit(options.limit);
}

/** The whole chain in order, for verification. */
export async function listAuditChain(db: TDb) {
  return db.select().from(auditRecords).orderBy(asc(auditRecords.sequence));
}

/** The newest record's sequence and hash (sequence 0 and the genesis hash when the trail is empty), for anchoring. */
export async function getAuditChainHead(db: TDb): Promise<{ sequence: number; hash: string }> {
  const [last] = await db
    .select({ sequence: auditRecords.sequence, hash: auditRecords.hash })
    .from(auditRecords)
    .orderBy(desc(auditRecords.sequence))
    .limit(1);
  return last ?? { sequence: 0, hash: GENESIS_HASH };
}

/** Distinct actions and models that appear in the trail, for the filter menus. */
export async function getAuditFilterOptions(db: TDb): Promise<{ actions: string[]; models: string[] }> {
  const [actions, slugs] = await Promise.all([
    db.selectDistinct({ action: auditRecords.action }).from(auditRecords).orderBy(asc(auditRecords.action)),
    db.select({ slug: models.slug }).from(models).orderBy(asc(models.slug)),
  ]);
  return { actions: actions.map((row) => row.action), models: slugs.map((row) => row.slug) };
}

function getAuditColumns() {
  return {
    id: auditRecords.id,
    sequence: auditRecords.sequence,
    occurredAt: auditRecords.occurredAt,
    actorId: auditRecords.actorId,
    actorLabel: auditRecords.actorLabel,
    action: auditRecords.action,
    subjectType: auditRecords.subjectType,
    subjectId: auditRecords.subjectId,
    modelId: auditRecords.modelId,
    input: auditRecords.input,
    previousHash: auditRecords.previousHash,
    hash: auditRecords.hash,
  };
}

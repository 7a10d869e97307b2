import { and, desc, eq, isNotNull, ne, or, sql } from "drizzle-orm";
import type { TGlobalImportance } from "@/lib/explain/global-importance";
import type { TDb } from "../connection";
import { deployments, featureImportances, modelVersions, predictions } from "../schema";

export type TImportanceSource = "reference" | "traffic";

/** A stored global importance, as the pages and the card read it. */
export type TStoredImportance = {
  source: TImportanceSource;
  method: "exact" | "sampling";
  rows: number;
  backgroundRows: number;
  features: Array<{ feature: string; meanAbsShapley: number }>;
  windowStart: Date | null;
  windowEnd: Date | null;
  computedAt: Date;
};

/** Stores (or replaces) a version's importance from one source; idempotent, so a rerun of a job overwrites its own row. */
export async function saveFeatureImportance(
  db: TDb,
  input: { versionId: string; source: TImportanceSource; importance: TGlobalImportance; windowStart?: Date; windowEnd?: Date },
): Promise<void> {
  const values = {
    method: input.importance.method,
    rows: input.importance.rows,
    backgroundRows: input.importance.backgroundRows,
    features: input.importance.features,
    windowStart: input.windowStart ?? null,
    windowEnd: input.windowEnd ?? null,
    computedAt: new Date(),
  };
  await db
    .insert(featureImportances)
    .values({ modelVersionId: input.versionId, source: input.source, ...values })
    .onConflictDoUpdate({ target: [featureImportances.modelVersionId, featureImportances.source], set: values });
}

/** A version's stored importances by source (one primary-key read each). */
export async function getFeatureImportances(db: TDb, versionId: string): Promise<Partial<Record<TImportanceSource, TStoredImportance>>> {
  const rows = await db.select().from(featureImportances).where(eq(featureImportances.modelVersionId, versionId));
  return Object.fromEntries(rows.map(({ modelVersionId: _, ...row }) => [row.source, row]));
}

/** The versions now serving traffic (champion or challenger of a deployment) that have reference data to explain against. */
export async function listServingVersionsForImportance(db: TDb) {
  return db
    .select({
      versionId: modelVersions.id,
      inputSchema: modelVersions.inputSchema,
      outputSchema: modelVersions.outputSchema,
      referenceProfile: modelVersions.referenceProfile,
      artifactSha256: modelVersions.artifactSha256,
    })
    .from(modelVersions)
    .innerJoin(deployments, or(eq(deployments.championVersionId, modelVersions.id), eq(deployments.challengerVersionId, modelVersions.id)))
    .where(isNotNull(modelVersions.referenceProfile));
}

/** The model-input rows (as the features column stores them) of a version's latest answered predictions, newest first, with their time span. */
export async function getRecentVersionFeatures(
  db: TDb,
  input: { versionId: string; limit: number; days: number },
): Promise<{ rows: number[][]; windowStart: Date | null; windowEnd: Date | null }> {
  const rows = await db
    .select({ features: predictions.features, createdAt: predictions.createdAt })
    .from(predictions)
    .where(
      and(
        eq(predictions.modelVersionId, input.versionId),
        // A fallback row carries the failing version's id, but the fallback rules answered it.
        ne(predictions.role, "fallback"),
        sql`${predictions.createdAt} > now() - make_interval(days => ${input.days})`,
      ),
    )
    .orderBy(desc(predictions.createdAt))
    .limit(input.limit);
  return {
    rows: rows.map((row) => row.features),
    windowStart: rows.at(-1)?.createdAt ?? null,
    windowEnd: rows[0]?.createdAt ?? null,
  };
}

/** The champion's version and its stored importances (reference and traffic), for the monitoring page: two primary-key reads. */
export async function getChampionImportance(
  db: TDb,
  modelId: string,
): Promise<{ version: string; importances: Partial<Record<TImportanceSource, TStoredImportance>> } | null> {
  const [champion] = await db
    .select({ id: modelVersions.id, version: modelVersions.version })
    .from(deployments)
    .innerJoin(modelVersions, eq(modelVersions.id, deployments.championVersionId))
    .where(eq(deployments.modelId, modelId));
  if (!champion) return null;
  return { version: champion.version, importances: await getFeatureImportances(db, champion.id) };
}

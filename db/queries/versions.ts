import { and, eq } from "drizzle-orm";
import type { TDb } from "../connection";
import { deployments, modelVersions } from "../schema";

/** The id of a model's version by its version string, or null. */
export async function findVersionId(db: TDb, { modelId, version }: { modelId: string; version: string }): Promise<string | null> {
  const [row] = await db
    .select({ id: modelVersions.id })
    .from(modelVersions)
    .where(and(eq(modelVersions.modelId, modelId), eq(modelVersions.version, version)))
    .limit(1);
  return row?.id ?? null;
}

/** The version id of a model's champion, or null when it has none (or no deployment row). */
export async function getChampionVersionId(db: TDb, modelId: string): Promise<string | null> {
  const [row] = await db
    .select({ championVersionId: deployments.championVersionId })
    .from(deployments)
    .where(eq(deployments.modelId, modelId))
    .limit(1);
  return row?.championVersionId ?? null;
}

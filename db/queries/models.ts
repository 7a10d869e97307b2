import { and, desc, eq, sql } from "drizzle-orm";
import type { TModelListItem } from "@/lib/types/models";
import type { TDb } from "../connection";
import { deployments, modelVersions, models, users } from "../schema";


/** Every model with its latest version and current champion, for the Models page. */
export async function listModels(db: TDb): Promise<TModelListItem[]> {
  const champion = db
    .select({ modelId: modelVersions.modelId, version: modelVersions.version, id: modelVersions.id })
    .from(modelVersions)
    .as("champion");
  const rows = await db
    .select({
      id: models.id,
      slug: models.slug,
      displayName: models.displayName,
      description: models.description,
      riskTier: models.riskTier,
      ownerName: users.name,
      updatedAt: models.updatedAt,
      versionCount: sql<number>`(select count(*)::int from ${modelVersions} v where v.model_id = ${models.id})`,
      latestVersion: sql<string | null>`(select v.version from ${modelVersions} v where v.model_id = ${models.id}
        order by v.version_major desc, v.version_minor desc, v.version_patch desc limit 1)`,
      championVersion: champion.version,
      deploymentMode: sql<"off" | "shadow" | "canary">`coalesce(${deployments.mode}, 'off')`,
      killSwitch: sql<boolean>`coalesce(${deployments.killSwitch}, false)`,
    })
    .from(models)
    .leftJoin(users, eq(users.id, models.ownerId))
    .leftJoin(deployments, eq(deployments.modelId, models.id))
    .leftJoin(champion, and(eq(champion.modelId, models.id), eq(champion.id, deployments.championVersionId)))
    .orderBy(desc(models.updatedAt));
  return rows;
}

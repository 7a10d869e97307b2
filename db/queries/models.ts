import { and, desc, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { TModelDetail, TModelListItem, TVersionListItem } from "@/lib/types/models";
import type { TDb } from "../connection";
import { deploymentSettings } from "./deployment-settings";
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

/** A model with its deployment, every version (newest first) and a few live counts. */
export async function getModelDetail(db: TDb, slug: string): Promise<TModelDetail | null> {
  const [row] = await db
    .select({ model: models, ownerName: users.name, ownerEmail: users.email, deployment: deployments })
    .from(models)
    .leftJoin(users, eq(users.id, models.ownerId))
    .leftJoin(deployments, eq(deployments.modelId, models.id))
    .where(eq(models.slug, slug))
    .limit(1);
  if (!row) return null;
  const registeredBy = alias(users, "registered_by");
  const versionRows = await db
    .select({
      id: modelVersions.id,
      version: modelVersions.version,
      status: modelVersions.status,
      artifactSha256: modelVersions.artifactSha256,
      registeredByName: registeredBy.name,
      createdAt: modelVersions.createdAt,
      offlineMetrics: modelVersions.offlineMetrics,
    })
    .from(modelVersions)
    .leftJoin(registeredBy, eq(registeredBy.id, modelVersions.registeredBy))
    .where(eq(modelVersions.modelId, row.model.id))
    .orderBy(desc(modelVersions.versionMajor), desc(modelVersions.versionMinor), desc(modelVersions.versionPatch));
  const [counts] = await db.execute<{ predictions: number; reviews: number }>(sql`
    select
      (select count(*)::int from predictions where model_id = ${row.model.id} and created_at > now() - interval '24 hours' and role <> 'shadow') as predictions,
      (select count(*)::int from review_items where model_id = ${row.model.id} and status <> 'decided') as reviews`);
  const deployment = row.deployment;
  const roleOf = (id: string): TVersionListItem["role"] =>
    id === deployment?.championVersionId
      ? "champion"
      : id === deployment?.challengerVersionId
        ? "challenger"
        : id === deployment?.previousChampionVersionId
          ? "previous champion"
          : null;
  const versionName = (id: string | null | undefined) => versionRows.find((version) => version.id === id)?.version ?? null;
  return {
    id: row.model.id,
    slug: row.model.slug,
    displayName: row.model.displayName,
    description: row.model.description,
    riskTier: row.model.riskTier,
    useCase: row.model.useCase,
    businessKpi: row.model.businessKpi,
    ownerName: row.ownerName,
    ownerEmail: row.ownerEmail,
    createdAt: row.model.createdAt,
    deployment: deployment
      ? {
          ...deploymentSettings(deployment),
          championVersion: versionName(deployment.championVersionId),
          challengerVersion: versionName(deployment.challengerVersionId),
          updatedAt: deployment.updatedAt,
        }
      : null,
    versions: versionRows.map((version) => ({ ...version, role: roleOf(version.id) })),
    predictionsLast24h: counts?.predictions ?? 0,
    openReviewItems: counts?.reviews ?? 0,
  };
}

/** The versions of a model by slug (null when the model does not exist), newest first. */
export async function listModelVersions(db: TDb, slug: string) {
  const [model] = await db.select({ id: models.id }).from(models).where(eq(models.slug, slug)).limit(1);
  if (!model) return null;
  return db
    .select({
      id: modelVersions.id,
      version: modelVersions.version,
      status: modelVersions.status,
      artifactSha256: modelVersions.artifactSha256,
      createdAt: modelVersions.createdAt,
      offlineMetrics: modelVersions.offlineMetrics,
      inputSchema: modelVersions.inputSchema,
      outputSchema: modelVersions.outputSchema,
      trainingData: modelVersions.trainingData,
      hyperparameters: modelVersions.hyperparameters,
      card: modelVersions.card,
    })
    .from(modelVersions)
    .where(eq(modelVersions.modelId, model.id))
    .orderBy(desc(modelVersions.versionMajor), desc(modelVersions.versionMinor), desc(modelVersions.versionPatch));
}

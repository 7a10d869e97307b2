import { and, eq, sql } from "drizzle-orm";
import type { TCardSource } from "@/lib/model-card";
import { ZCardText, ZInputSchema, ZOutputSchema } from "@/lib/registry";
import type { TDb } from "../connection";
import { getFeatureImportances } from "./importance";
import { undecidedItemsOfVersion } from "./review-counts";
import { getVersionLiveCounts } from "./summaries";
import { artifacts, deployments, modelVersions, models, users } from "../schema";

/** What a version's model card is assembled from: the registry record and a few live figures. */
export async function getCardSource(db: TDb, slug: string, version: string): Promise<TCardSource | null> {
  const [row] = await db
    .select({
      model: models,
      version: modelVersions,
      ownerName: users.name,
      ownerEmail: users.email,
      deployment: deployments,
      artifactOriginalSha256: artifacts.originalSha256,
      artifactSignature: artifacts.signature,
    })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .leftJoin(users, eq(users.id, models.ownerId))
    .leftJoin(deployments, eq(deployments.modelId, models.id))
    .innerJoin(artifacts, eq(artifacts.sha256, modelVersions.artifactSha256))
    .where(and(eq(models.slug, slug), eq(modelVersions.version, version)))
    .limit(1);
  if (!row) return null;
  // Prediction and outcome counts from the hourly summaries plus what they do not cover yet (exact, not a scan).
  const [[live], counts, importances] = await Promise.all([
    db.execute<{ open_reviews: number; open_alerts: number }>(sql`
      select
        ${undecidedItemsOfVersion(sql`${row.model.id}::uuid`, sql`${row.version.id}::uuid`)} as open_reviews,
        (select count(*)::int from alerts where model_id = ${row.model.id} and status <> 'resolved') as open_alerts`),
    getVersionLiveCounts(db, { modelId: row.model.id, versionId: row.version.id, span: "24 hours" }),
    getFeatureImportances(db, row.version.id),
  ]);
  const deploymentRole =
    row.deployment?.championVersionId === row.version.id
      ? "champion"
      : row.deployment?.challengerVersionId === row.version.id
        ? `challenger (${row.deployment.mode})`
        : "not deployed";
  const profile = row.version.referenceProfile as { rowCount?: number } | null;
  return {
    model: {
      slug: row.model.slug,
      displayName: row.model.displayName,
      description: row.model.description,
      ownerName: row.ownerName,
      ownerEmail: row.ownerEmail,
      riskTier: row.model.riskTier,
      useCase: row.model.useCase,
      businessKpi: row.model.businessKpi,
    },
    version: {
      version: row.version.version,
      status: row.version.status,
      createdAt: row.version.createdAt,
      artifactSha256: row.version.artifactSha256,
      artifactOriginalSha256: row.artifactOriginalSha256,
      // What registration changed in the uploaded file (app/_server/registry.ts), kept in the artifact's signature.
      artifactChanges: Array.isArray(row.artifactSignature.changes) ? (row.artifactSignature.changes as string[]) : [],
      inputSchema: ZInputSchema.parse(row.version.inputSchema),
      outputSchema: ZOutputSchema.parse(row.version.outputSchema),
      trainingData: row.version.trainingData,
      hyperparameters: row.version.hyperparameters,
      offlineMetrics: row.version.offlineMetrics,
      card: ZCardText.parse(row.version.card),
      referenceRows: profile?.rowCount ?? null,
      globalImportance: importances.reference ?? null,
    },
    live: {
      Deployment: deploymentRole,
      "Predictions, last 24 h": counts.predictions,
      "Outcomes received": counts.outcomes,
      "Open review items": live?.open_reviews ?? 0,
      "Open alerts (model)": live?.open_alerts ?? 0,
    },
  };
}

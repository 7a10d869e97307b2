import { and, desc, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { EMPTY_DEPLOYMENT, type TDeploymentSnapshot } from "@/lib/governance/lifecycle";
import type { TRequiredStages } from "@/lib/governance/policy";
import type { TPortfolioRow } from "@/lib/portfolio/view";
import type { TModelDetail, TModelListItem, TVersionListItem } from "@/lib/types/models";
import type { TMonitorStatus } from "@/lib/types/monitoring";
import type { TDb } from "../connection";
import { deploymentSettings } from "./deployment-settings";
import { getPolicy } from "./governance";
import { undecidedItemsOfModel } from "./review-counts";
import { sumServedVolume } from "./summaries";
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
  // Answered predictions (shadow ones are not answered) from the hourly summaries, open items from the queue's
  // buckets: a raw count read every prediction of the day (0.3 M at 10 M a month) and every open item.
  const [volume, [counts]] = await Promise.all([
    sumServedVolume(db, { modelId: row.model.id, span: "24 hours" }),
    db.execute<{ reviews: number }>(sql`select ${undecidedItemsOfModel(sql`${row.model.id}::uuid`)} as reviews`),
  ]);
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
    predictionsLast24h: volume.predictions,
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

/**
 * What lib/governance/next-steps.ts needs to decide a version's buttons: the model's deployment
 * row and its tier's rollout rule. moveDeployment reads the same two things under its lock.
 */
export async function getRolloutContext(
  db: TDb,
  slug: string,
): Promise<{ deployment: TDeploymentSnapshot; requiredStages: TRequiredStages } | null> {
  const [row] = await db
    .select({ riskTier: models.riskTier, deployment: deployments })
    .from(models)
    .leftJoin(deployments, eq(deployments.modelId, models.id))
    .where(eq(models.slug, slug))
    .limit(1);
  if (!row) return null;
  const { requiredStages } = await getPolicy(db, row.riskTier);
  const deployment = row.deployment;
  return {
    requiredStages,
    deployment: deployment
      ? {
          championVersionId: deployment.championVersionId,
          challengerVersionId: deployment.challengerVersionId,
          previousChampionVersionId: deployment.previousChampionVersionId,
          mode: deployment.mode,
          canaryPercent: deployment.canaryPercent,
          killSwitch: deployment.killSwitch,
          revision: deployment.revision,
        }
      : EMPTY_DEPLOYMENT,
  };
}

export type TPortfolioFacts = Omit<TPortfolioRow, "health" | "healthReasons">;

/**
 * Every model's row of the /models portfolio (health is added by the page from the portfolio's
 * health classification): deployment, the latest daily drift, disparate impact (lowest group),
 * realized and estimated ROC AUC of the champion (another version's row only before it served),
 * open alerts and incidents, pending approval requests and predictions answered in the last 24 h.
 */
export async function listModelPortfolio(db: TDb): Promise<TPortfolioFacts[]> {
  const rows = await db.execute<{
    id: string;
    slug: string;
    display_name: string;
    risk_tier: TPortfolioFacts["riskTier"];
    owner_name: string | null;
    champion_version: string | null;
    challenger_version: string | null;
    mode: "off" | "shadow" | "canary" | null;
    canary_percent: number | null;
    kill_switch: boolean | null;
    open_alerts: number;
    open_incidents: number;
    pending: number;
    latest: Array<{ statistic: string; value: number | null; status: TMonitorStatus; day: string }> | null;
  }>(sql`
    select m.id, m.slug, m.display_name, m.risk_tier, u.name as owner_name,
           champion.version as champion_version, challenger.version as challenger_version,
           d.mode, d.canary_percent, d.kill_switch,
           (select count(*)::int from alerts a where a.model_id = m.id and a.status <> 'resolved') as open_alerts,
           (select count(*)::int from incidents i where i.model_id = m.id and i.status <> 'resolved') as open_incidents,
           (select count(*)::int from approval_requests r join model_versions v on v.id = r.model_version_id
              where v.model_id = m.id and r.status = 'pending') as pending,
           (select json_agg(json_build_object('statistic', l.statistic, 'value', l.value, 'status', l.status, 'day', l.day))
            from (
              -- Per statistic, the latest day; within it the champion's row, and the lowest value over groups (DI: the worst attribute).
              select distinct on (r.statistic) r.statistic, r.value, r.status,
                     to_char(r.window_start at time zone 'UTC', 'YYYY-MM-DD') as day
              from monitor_results r
              where r.model_id = m.id and r.granularity = 'day' and r.status <> 'unknown'
                and ((r.kind = 'drift' and r.statistic = 'drifted_share' and r.feature = '')
                  or (r.kind = 'fairness' and r.statistic = 'disparate_impact')
                  or (r.kind = 'performance' and r.statistic in ('roc_auc', 'estimated_roc_auc') and r.group_name = ''))
              order by r.statistic, r.window_start desc,
                       (r.model_version_id is not distinct from d.champion_version_id) desc, r.value asc nulls last
            ) l) as latest
    from models m
    left join users u on u.id = m.owner_id
    left join deployments d on d.model_id = m.id
    left join model_versions champion on champion.id = d.champion_version_id
    left join model_versions challenger on challenger.id = d.challenger_version_id
    order by m.display_name`);
  // From the hourly summaries, as on the model's page: a count per model in the query read every prediction of the day.
  const volumes = await Promise.all(rows.map((row) => sumServedVolume(db, { modelId: row.id, span: "24 hours" })));
  return rows.map((row, index) => {
    const latest = (statistic: string) => {
      const found = row.latest?.find((item) => item.statistic === statistic);
      return found ? { value: found.value, status: found.status, day: found.day } : null;
    };
    return {
      id: row.id,
      slug: row.slug,
      displayName: row.display_name,
      riskTier: row.risk_tier,
      ownerName: row.owner_name,
      championVersion: row.champion_version,
      challengerVersion: row.challenger_version,
      deploymentMode: row.mode ?? "off",
      canaryPercent: row.canary_percent ?? 0,
      killSwitch: row.kill_switch ?? false,
      drift: latest("drifted_share"),
      disparateImpact: latest("disparate_impact"),
      realizedRocAuc: latest("roc_auc"),
      estimatedRocAuc: latest("estimated_roc_auc"),
      openAlerts: row.open_alerts,
      openIncidents: row.open_incidents,
      pendingApprovals: row.pending,
      predictionsLast24h: volumes[index]!.predictions,
    };
  });
}

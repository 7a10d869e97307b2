import { eq, inArray } from "drizzle-orm";
import type { TDb } from "../connection";
import { deploymentSettings } from "./deployment-settings";
import { artifacts, deployments, modelVersions, models } from "../schema";

export type TServingVersionRow = {
  id: string;
  version: string;
  artifactSha256: string;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
};

export type TServingModelRow = {
  modelId: string;
  slug: string;
  fallbackRules: Record<string, unknown>;
  reviewSettings: Record<string, unknown>;
  deployment: {
    mode: "off" | "shadow" | "canary";
    canaryPercent: number;
    killSwitch: boolean;
    confidenceThreshold: number;
    reviewSampleRate: number;
    revision: number;
    championVersionId: string | null;
    challengerVersionId: string | null;
  } | null;
  versions: TServingVersionRow[];
};

/** What a worker needs to serve one model (or every model): its deployment and the versions it names. */
export async function loadServingModels(db: TDb, modelId?: string): Promise<TServingModelRow[]> {
  const rows = await db
    .select({ model: models, deployment: deployments })
    .from(models)
    .leftJoin(deployments, eq(deployments.modelId, models.id))
    .where(modelId ? eq(models.id, modelId) : undefined);
  const versionIds = rows
    .flatMap(({ deployment }) => [deployment?.championVersionId, deployment?.challengerVersionId])
    .filter((id): id is string => Boolean(id));
  const versions = versionIds.length
    ? await db
        .select({
          id: modelVersions.id,
          version: modelVersions.version,
          artifactSha256: modelVersions.artifactSha256,
          inputSchema: modelVersions.inputSchema,
          outputSchema: modelVersions.outputSchema,
        })
        .from(modelVersions)
        .where(inArray(modelVersions.id, versionIds))
    : [];
  return rows.map(({ model, deployment }) => ({
    modelId: model.id,
    slug: model.slug,
    fallbackRules: model.fallbackRules,
    reviewSettings: model.reviewSettings,
    deployment: deployment
      ? {
          ...deploymentSettings(deployment),
          championVersionId: deployment.championVersionId,
          challengerVersionId: deployment.challengerVersionId,
        }
      : null,
    versions: versions.filter((version) => version.id === deployment?.championVersionId || version.id === deployment?.challengerVersionId),
  }));
}

/** The ONNX bytes of an artifact. */
export async function getArtifactContent(db: TDb, sha256: string): Promise<Buffer | null> {
  const [row] = await db.select({ content: artifacts.content }).from(artifacts).where(eq(artifacts.sha256, sha256)).limit(1);
  return row?.content ?? null;
}

import type { InferenceSession } from "onnxruntime-node";
import type { FastifyBaseLogger } from "fastify";
import type { TDatabase } from "@/db/connection";
import { getArtifactContent, loadServingModels, type TServingModelRow, type TServingVersionRow } from "@/db/queries/serving";
import { ZFallbackRules, ZReviewSettings, type TFallbackRules, type TReviewSettings } from "@/lib/inference/routing";
import type { TFeedSpec } from "@/lib/onnx/model-inputs";
import { ZInputSchema, ZOutputSchema, modelInputFeatures, modelInputSpecs, type TInputSchema, type TOutputSchema } from "@/lib/registry";
import { createSession } from "../onnx/load-session";
import { feedSpecsOrThrow } from "../onnx/score-rows";

export type TLoadedVersion = {
  id: string;
  version: string;
  session: InferenceSession;
  inputName: string;
  inputWidth: number;
  /** The model's ONNX inputs and the model-input columns that fill each (one for a [batch, width] model); resolved from the schema when absent. */
  inputs?: TFeedSpec[];
  inputSchema: TInputSchema;
  outputSchema: TOutputSchema;
};

export type TServedModel = {
  modelId: string;
  slug: string;
  revision: number;
  mode: "off" | "shadow" | "canary";
  canaryPercent: number;
  killSwitch: boolean;
  confidenceThreshold: number;
  reviewSampleRate: number;
  champion: TLoadedVersion | null;
  challenger: TLoadedVersion | null;
  /** Why the champion is not loaded, when it is not (the fallback answers meanwhile). */
  championLoadError: string | null;
  inputSchema: TInputSchema | null;
  fallback: TFallbackRules;
  review: TReviewSettings;
};

/**
 * What this worker serves, keyed by model slug. A change is applied by loading every session it
 * needs first and then swapping the model's entry in one assignment, so traffic never reaches a
 * version that is still loading. Sessions are shared by version id and kept while in use.
 */
export function createServingState(options: { db: TDatabase; log: FastifyBaseLogger }) {
  const bySlug = new Map<string, TServedModel>();
  const sessions = new Map<string, Promise<TLoadedVersion>>();
  // Versions an apply() is loading and has not yet put in bySlug: not unused, though no entry holds them yet.
  const applying = new Map<string, number>();

  async function loadVersion(row: TServingVersionRow): Promise<TLoadedVersion> {
    let pending = sessions.get(row.id);
    if (!pending) {
      pending = (async () => {
        const bytes = await getArtifactContent(options.db, row.artifactSha256);
        if (!bytes) throw new Error(`artifact ${row.artifactSha256.slice(0, 12)} is missing`);
        const session = await createSession(new Uint8Array(bytes));
        const inputSchema = ZInputSchema.parse(row.inputSchema);
        const metadata = session.inputMetadata[0];
        const declaredWidth = modelInputFeatures(inputSchema).length;
        const inputs = feedSpecsOrThrow(session, { width: declaredWidth, inputs: modelInputSpecs(inputSchema) });
        return {
          id: row.id,
          version: row.version,
          session,
          inputName: metadata.name,
          inputWidth: declaredWidth,
          inputs,
          inputSchema,
          outputSchema: ZOutputSchema.parse(row.outputSchema),
        };
      })();
      sessions.set(row.id, pending);
      // A failed load is not cached: the next reload tries again.
      pending.catch(() => sessions.delete(row.id));
    }
    return pending;
  }

  async function apply(row: TServingModelRow): Promise<void> {
    const deployment = row.deployment;
    const championRow = row.versions.find((version) => version.id === deployment?.championVersionId);
    const challengerRow = row.versions.find((version) => version.id === deployment?.challengerVersionId);
    let champion: TLoadedVersion | null = null;
    let challenger: TLoadedVersion | null = null;
    let championLoadError: string | null = null;
    const pinned = [championRow?.id, challengerRow?.id].filter((id): id is string => id !== undefined);
    for (const id of pinned) applying.set(id, (applying.get(id) ?? 0) + 1);
    try {
      if (championRow) {
        try {
          champion = await loadVersion(championRow);
        } catch (error) {
          championLoadError = error instanceof Error ? error.message : String(error);
          options.log.error({ model: row.slug, version: championRow.version, err: error }, "champion failed to load; the fallback answers");
        }
      }
      if (challengerRow) {
        try {
          challenger = await loadVersion(challengerRow);
        } catch (error) {
          options.log.error(
            { model: row.slug, version: challengerRow.version, err: error },
            "challenger failed to load; it gets no traffic",
          );
        }
      }
      const current = bySlug.get(row.slug);
      // A slower, older reload must not overwrite a newer one.
      if (current && deployment && current.revision > deployment.revision) return;
      bySlug.set(row.slug, {
        modelId: row.modelId,
        slug: row.slug,
        revision: deployment?.revision ?? 0,
        mode: deployment?.mode ?? "off",
        canaryPercent: deployment?.canaryPercent ?? 0,
        killSwitch: deployment?.killSwitch ?? false,
        confidenceThreshold: deployment?.confidenceThreshold ?? 0.6,
        reviewSampleRate: deployment?.reviewSampleRate ?? 0,
        champion,
        challenger,
        championLoadError,
        inputSchema: champion?.inputSchema ?? challenger?.inputSchema ?? (championRow ? safeSchema(championRow.inputSchema) : null),
        fallback: ZFallbackRules.parse(row.fallbackRules ?? {}),
        review: ZReviewSettings.parse(row.reviewSettings ?? {}),
      });
    } finally {
      for (const id of pinned) {
        const count = (applying.get(id) ?? 1) - 1;
        if (count === 0) applying.delete(id);
        else applying.set(id, count);
      }
    }
    releaseUnused();
  }

  function releaseUnused() {
    const inUse = new Set<string>(applying.keys());
    for (const model of bySlug.values()) {
      if (model.champion) inUse.add(model.champion.id);
      if (model.challenger) inUse.add(model.challenger.id);
    }
    for (const [versionId, pending] of sessions) {
      if (inUse.has(versionId)) continue;
      sessions.delete(versionId);
      // Let requests already running on it finish before the native session is freed.
      void pending.then((loaded) => setTimeout(() => void loaded.session.release().catch(() => {}), 5_000)).catch(() => {});
    }
  }

  return {
    get: (slug: string) => bySlug.get(slug) ?? null,
    list: () => [...bySlug.values()],
    /** Re-reads one model (after a NOTIFY) or all of them (at start, on reconnect, on the poll). */
    reload: async (modelId?: string) => {
      const rows = await loadServingModels(options.db, modelId);
      await Promise.all(rows.map(apply));
    },
    /** A version by id for OIP's explicit-version routes, loading it on demand. */
    loadVersion,
  };
}

function safeSchema(raw: unknown): TInputSchema | null {
  const parsed = ZInputSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

export type TServingState = ReturnType<typeof createServingState>;

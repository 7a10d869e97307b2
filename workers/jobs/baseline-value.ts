import type { FastifyBaseLogger } from "fastify";
import type { TDatabase } from "@/db/connection";
import {
  BASELINE_WINDOW_DAYS,
  getInputSchemas,
  getVersionForScoring,
  listLabelledServedRows,
  listPreviousChampionBaselines,
  saveBaselineValue,
} from "@/db/queries/baseline-value";
import { getArtifactContent } from "@/db/queries/serving";
import { cellsOnSameRows, recordedScale, rescoringInputRow } from "@/lib/cost/baseline";
import { ZValueMatrix } from "@/lib/cost/value";
import { classifierOutputOf } from "@/lib/registry/classes";
import {
  modelInputFeatures,
  modelInputSpecs,
  ZInputSchema,
  ZOutputSchema,
  type TInputRow,
  type TInputSchema,
} from "@/lib/registry/input-schema";
import { scoreRows } from "../onnx/score-rows";
import { startPeriodicPass } from "./periodic";

/** Re-scoring is bounded: the newest labelled rows of the window, enough for a value per prediction to a few dollars. */
export const BASELINE_MAX_ROWS = 50_000;
const DAY_MS = 86_400_000;
// A daily refresh; the pass itself only looks at a row per model, so it may run often and catch a new champion soon.
const REFRESH_MS = DAY_MS;
const PASS_MS = 10 * 60_000;
// Rows per session.run: bounds the tensor in memory.
const BATCH = 5_000;

/**
 * Values the previous champion on the labelled predictions the model served (the cost page's
 * "previous champion" baseline): re-scores their stored inputs with its ONNX file through
 * onnxruntime and stores the aggregated cells of both decisions on the same rows (never per row).
 * Rows whose inputs the previous champion cannot be given (a feature it needs that the prediction
 * lacks) are skipped and counted.
 */
async function computePreviousChampionBaseline(
  db: TDatabase,
  input: {
    modelId: string;
    baselineVersionId: string;
    championVersionId: string | null;
    scaleInput: string | null;
    now?: Date;
    maxRows?: number;
  },
): Promise<{ rows: number; skipped: number }> {
  const windowEnd = input.now ?? new Date();
  const windowStart = new Date(windowEnd.getTime() - BASELINE_WINDOW_DAYS * DAY_MS);
  const version = await getVersionForScoring(db, input.baselineVersionId);
  if (!version) throw new Error(`version ${input.baselineVersionId} is gone`);
  const bytes = await getArtifactContent(db, version.artifactSha256);
  if (!bytes) throw new Error(`the ONNX file of version ${version.version} is missing`);
  const targetSchema = ZInputSchema.parse(version.inputSchema);
  const outputSchema = ZOutputSchema.parse(version.outputSchema);
  const served = await listLabelledServedRows(db, {
    modelId: input.modelId,
    windowStart,
    windowEnd,
    limit: input.maxRows ?? BASELINE_MAX_ROWS,
  });
  // A fallback answer has no version: its features follow the champion's schema.
  const versionIds = [...new Set(served.map((row) => row.versionId ?? input.championVersionId).filter((id): id is string => id !== null))];
  const schemas = new Map<string, TInputSchema | null>();
  for (const [id, schema] of await getInputSchemas(db, versionIds)) {
    const parsed = ZInputSchema.safeParse(schema);
    schemas.set(id, parsed.success ? parsed.data : null);
  }
  const usable: Array<{ predicted: 0 | 1; actual: 0 | 1; scale: number; inputRow: TInputRow }> = [];
  for (const row of served) {
    const rowSchema = schemas.get(row.versionId ?? input.championVersionId ?? "") ?? null;
    const inputRow = rescoringInputRow(targetSchema, rowSchema, row);
    if (inputRow === null) continue;
    usable.push({ predicted: row.predicted, actual: row.actual, scale: recordedScale(rowSchema, row, input.scaleInput), inputRow });
  }
  const probabilities: number[] = [];
  for (let start = 0; start < usable.length; start += BATCH) {
    const batch = usable.slice(start, start + BATCH);
    probabilities.push(
      ...(await scoreRows({
        model: new Uint8Array(bytes),
        rows: batch.map((row) => row.inputRow),
        width: modelInputFeatures(targetSchema).length,
        inputs: modelInputSpecs(targetSchema),
        ...classifierOutputOf(outputSchema),
      })),
    );
  }
  const cells = cellsOnSameRows(
    usable.map((row, index) => ({ ...row, baselineProbability: probabilities[index] })),
    outputSchema.threshold,
  );
  await saveBaselineValue(db, {
    modelId: input.modelId,
    baselineVersionId: input.baselineVersionId,
    windowDays: BASELINE_WINDOW_DAYS,
    championVersionId: input.championVersionId,
    scaleInput: input.scaleInput,
    windowStart,
    windowEnd,
    rows: usable.length,
    skipped: served.length - usable.length,
    modelCells: cells.model,
    baselineCells: cells.baseline,
  });
  return { rows: usable.length, skipped: served.length - usable.length };
}

/**
 * One pass: every model with a previous champion whose stored baseline is missing, older than a
 * day, made under another champion or for another scaling input is re-scored. Returns the models done.
 */
export async function refreshPreviousChampionBaselines(
  db: TDatabase,
  now = new Date(),
  options: { modelId?: string; onError?: (modelId: string, error: unknown) => void } = {},
): Promise<number> {
  let done = 0;
  for (const candidate of await listPreviousChampionBaselines(db)) {
    if (!candidate.previousChampionVersionId) continue;
    if (options.modelId && candidate.modelId !== options.modelId) continue;
    const matrix = ZValueMatrix.safeParse(candidate.valueMatrix ?? {});
    const scaleInput = matrix.success ? matrix.data.scaleInput : null;
    const stored = candidate.stored;
    const fresh =
      stored?.computedAt &&
      now.getTime() - stored.computedAt.getTime() < REFRESH_MS &&
      stored.championVersionId === candidate.championVersionId &&
      (stored.scaleInput ?? null) === scaleInput;
    if (fresh) continue;
    // One model whose version cannot be re-scored (a schema or file the job cannot read) must not stop the others.
    try {
      await computePreviousChampionBaseline(db, {
        modelId: candidate.modelId,
        baselineVersionId: candidate.previousChampionVersionId,
        championVersionId: candidate.championVersionId,
        scaleInput,
        now,
      });
      done += 1;
    } catch (error) {
      if (!options.onError) throw error;
      options.onError(candidate.modelId, error);
    }
  }
  return done;
}

/** Runs refreshPreviousChampionBaselines soon after start and then every PASS_MS, never two at once in this process. */
export function startBaselineValueRefresh(options: { db: TDatabase; log: FastifyBaseLogger; intervalMs?: number }) {
  return startPeriodicPass({
    name: "previous-champion baseline",
    log: options.log,
    firstDelayMs: 30_000,
    intervalMs: options.intervalMs ?? PASS_MS,
    pass: async () => {
      const models = await refreshPreviousChampionBaselines(options.db, new Date(), {
        onError: (modelId, error) =>
          options.log.warn({ modelId, err: error }, "previous-champion baseline could not be re-scored for this model"),
      });
      if (models > 0) options.log.info({ models }, "previous-champion baselines re-scored");
    },
  });
}

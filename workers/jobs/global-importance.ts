import type { FastifyBaseLogger } from "fastify";
import type { TDatabase } from "@/db/connection";
import {
  getFeatureImportances,
  getRecentVersionFeatures,
  listServingVersionsForImportance,
  saveFeatureImportance,
} from "@/db/queries/importance";
import { getArtifactContent } from "@/db/queries/serving";
import { computeGlobalImportance, evenlySpaced, importanceRowCount, type TGlobalImportance } from "@/lib/explain/global-importance";
import type { TBatchPredictor } from "@/lib/explain/shapley";
import {
  classifierOutputOf,
  modelInputFeatures,
  modelInputSpecs,
  referenceStoredRows,
  ZInputSchema,
  ZOutputSchema,
  type TInputRow,
  type TInputSchema,
  type TOutputSchema,
  type TReferenceProfile,
} from "@/lib/registry";
import { classifierFetchesOrThrow, readBinaryClassifierOutputs } from "@/lib/onnx/model-output";
import { Tensor } from "onnxruntime-node";
import { createSession } from "../onnx/load-session";
import { feedSpecsOrThrow, runClassifierOutputs } from "../onnx/score-rows";
import { startPeriodicPass } from "./periodic";

/** Rows explained at most (fewer when the model-row budget says so, lib/explain/global-importance.ts). */
const IMPORTANCE_MAX_ROWS = 500;
// The item view uses 100; half keeps a validation of a 10-input model within seconds on a shared core.
const IMPORTANCE_BACKGROUND_ROWS = 50;
const TRAFFIC_DAYS = 7;
// Fewer production rows than this say little about the traffic; the monitoring page then says none yet.
const MIN_TRAFFIC_ROWS = 50;

/**
 * A predictor over rows as the features column stores them (a category as its index among the
 * allowed values): Shapley swaps whole values between row and background, so the index stands
 * for the category and is decoded to the string the model takes just before the run.
 */
function storedRowPredictor(
  session: Awaited<ReturnType<typeof createSession>>,
  inputSchema: TInputSchema,
  outputSchema: TOutputSchema,
): TBatchPredictor {
  const features = modelInputFeatures(inputSchema);
  const inputs = modelInputSpecs(inputSchema);
  const specs = feedSpecsOrThrow(session, { width: features.length, inputs });
  const output = classifierOutputOf(outputSchema);
  // One float32 tensor [batch, width] (the common layout): Shapley's rows are fed as they are, with no decoding,
  // which is most of the cost at millions of model rows.
  if (
    specs.length === 1 &&
    specs[0].type === "float32" &&
    specs[0].rank === 2 &&
    specs[0].columns.every((column, index) => column === index)
  ) {
    const fetches = classifierFetchesOrThrow(session.outputMetadata, output.probabilityOutput);
    return async (rows, rowCount, width) => {
      const outputs = await session.run({ [specs[0].name]: new Tensor("float32", rows, [rowCount, width]) }, fetches);
      return Float64Array.from(readBinaryClassifierOutputs({ outputs, rowCount, ...output }).probabilities);
    };
  }
  return async (rows, rowCount, width) => {
    const inputRows: TInputRow[] = Array.from({ length: rowCount }, (_, row) =>
      features.map((feature, column) => {
        const value = rows[row * width + column];
        return feature.tensorType === "string" ? feature.allowedValues![value] : value;
      }),
    );
    const { probabilities } = await runClassifierOutputs(session, { rows: inputRows, width, inputs, specs, ...output });
    return Float64Array.from(probabilities);
  };
}

/** A stored row whose every category index names an allowed value (traffic from before a schema change may not). */
function decodable(features: ReturnType<typeof modelInputFeatures>, row: number[]): boolean {
  return features.every((feature, column) =>
    feature.tensorType === "string"
      ? Number.isInteger(row[column]) && feature.allowedValues?.[row[column]] !== undefined
      : Number.isFinite(row[column]),
  );
}

/**
 * Mean |Shapley value| per model input of a version over `rows` (stored form), each explained
 * against evenly spaced rows of its reference sample, with the version's own ONNX model.
 * Null when the version has no reference data or no usable row.
 */
export async function computeVersionImportance(input: {
  model: Uint8Array;
  inputSchema: unknown;
  outputSchema: unknown;
  referenceProfile: unknown;
  /** Rows to explain (stored form); the reference sample itself when absent. */
  rows?: number[][];
}): Promise<TGlobalImportance | null> {
  const inputSchema = ZInputSchema.parse(input.inputSchema);
  const outputSchema = ZOutputSchema.parse(input.outputSchema);
  const profile = input.referenceProfile as TReferenceProfile | null;
  if (!profile || profile.sampleRows === 0) return null;
  const features = modelInputFeatures(inputSchema);
  const reference = referenceStoredRows(inputSchema, profile).filter((row) => decodable(features, row));
  const candidates = (input.rows ?? reference).filter((row) => decodable(features, row));
  if (reference.length === 0 || candidates.length === 0) return null;
  const background = evenlySpaced(reference, IMPORTANCE_BACKGROUND_ROWS);
  const count = importanceRowCount({
    available: candidates.length,
    maxRows: IMPORTANCE_MAX_ROWS,
    width: features.length,
    backgroundRows: background.length,
  });
  const session = await createSession(input.model);
  try {
    return await computeGlobalImportance({
      features: features.map((feature) => feature.name),
      rows: evenlySpaced(candidates, count),
      background,
      predict: storedRowPredictor(session, inputSchema, outputSchema),
    });
  } finally {
    await session.release();
  }
}

/**
 * The importance job: for every version serving traffic, the same figure over its latest
 * production rows (up to 500 of the last 7 days), stored beside the reference one so the
 * monitoring page reads it instead of running the model. Returns how many versions it updated.
 */
export async function runTrafficImportance(db: TDatabase, onError?: (versionId: string, error: unknown) => void): Promise<number> {
  let updated = 0;
  for (const version of await listServingVersionsForImportance(db)) {
    try {
      if (await refreshTrafficImportance(db, version)) updated += 1;
    } catch (error) {
      // One version the job cannot explain must not stop the others.
      if (!onError) throw error;
      onError(version.versionId, error);
    }
  }
  return updated;
}

/** One serving version's traffic importance; false when there is nothing new to store. */
async function refreshTrafficImportance(
  db: TDatabase,
  version: Awaited<ReturnType<typeof listServingVersionsForImportance>>[number],
): Promise<boolean> {
  const traffic = await getRecentVersionFeatures(db, { versionId: version.versionId, limit: IMPORTANCE_MAX_ROWS, days: TRAFFIC_DAYS });
  if (traffic.rows.length < MIN_TRAFFIC_ROWS) return false;
  // Traffic that has not moved since the last run gives the same figure.
  const stored = (await getFeatureImportances(db, version.versionId)).traffic;
  if (stored?.windowEnd && traffic.windowEnd && stored.windowEnd.getTime() >= traffic.windowEnd.getTime()) return false;
  const bytes = await getArtifactContent(db, version.artifactSha256);
  if (!bytes) return false;
  const importance = await computeVersionImportance({
    model: new Uint8Array(bytes),
    inputSchema: version.inputSchema,
    outputSchema: version.outputSchema,
    referenceProfile: version.referenceProfile,
    rows: traffic.rows,
  });
  if (!importance) return false;
  await saveFeatureImportance(db, {
    versionId: version.versionId,
    source: "traffic",
    importance,
    windowStart: traffic.windowStart ?? undefined,
    windowEnd: traffic.windowEnd ?? undefined,
  });
  return true;
}

// Importance moves slowly and a pass runs the model up to 1.5 M rows per version: every 15 minutes is plenty.
const TRAFFIC_IMPORTANCE_INTERVAL_MS = 15 * 60_000;

/** Runs runTrafficImportance a minute after start and then every 15 minutes; `stop` waits for a pass under way. */
export function startTrafficImportance(options: { db: TDatabase; log: FastifyBaseLogger; intervalMs?: number }) {
  return startPeriodicPass({
    name: "traffic importance",
    log: options.log,
    firstDelayMs: 60_000,
    intervalMs: options.intervalMs ?? TRAFFIC_IMPORTANCE_INTERVAL_MS,
    pass: async () => {
      const updated = await runTrafficImportance(options.db, (versionId, error) =>
        options.log.warn({ versionId, err: error }, "traffic importance could not be computed for this version"),
      );
      options.log.debug({ updated }, "traffic importance refreshed");
    },
  });
}

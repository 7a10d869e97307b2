import "server-only";
import { randomUUID } from "node:crypto";
import { InferenceSession, Tensor } from "onnxruntime-node";
import type { TDb } from "@/db/connection";
import { getExplainableVersion } from "@/db/queries/explanations";
import { listSimilarDecidedItems } from "@/db/queries/review";
import { getArtifactContent } from "@/db/queries/serving";
import { distanceScale, indexedCoalitionValues, selectBackgroundInputRows, selectBackgroundRows } from "@/lib/explain/reference";
import { explainWithShapley, type TBatchPredictor, type TShapleyExplanation } from "@/lib/explain/shapley";
import { classifierFetchesOrThrow, readBinaryClassifierOutputs } from "@/lib/onnx/model-output";
import { buildFeeds, resolveFeedSpecs, type TFeedSpec } from "@/lib/onnx/model-inputs";
import {
  classifierOutputOf,
  modelInputFeatures,
  modelInputSpecs,
  ZInputSchema,
  ZOutputSchema,
  type TClassifierOutputOf,
  type TInputRow,
} from "@/lib/registry";
import type { TItemExplanation, TReviewItemDetail, TSimilarCases } from "@/lib/types/review";
import { logger } from "./logger";

/*
 * Why the explanation runs here, in the Next server, and not in the worker: the app and the
 * worker never call each other (ARCHITECTURE.md, "Processes"), and an explanation is asked for by a person opening
 * one item, not by traffic. The app already opens ONNX files with onnxruntime-node to check them
 * at registration (onnxruntime-node is a serverExternalPackage), and the artifact bytes and the
 * reference profile are in the database it reads anyway. So the page loads the version's ONNX
 * file from the database into a session kept per artifact, and runs the real model on the
 * coalition rows. One intra-op thread: an explanation must not starve the pages being served.
 */

export const BACKGROUND_ROWS = 100;
const MAX_CACHED_SESSIONS = 4;

type TSessionEntry = { session: Promise<InferenceSession> };
// On globalThis so hot reload in development does not leak a native session per edit.
const globalForSessions = globalThis as unknown as { oversightExplainSessions?: Map<string, TSessionEntry> };
const sessions = (globalForSessions.oversightExplainSessions ??= new Map<string, TSessionEntry>());

async function sessionFor(db: TDb, artifactSha256: string): Promise<InferenceSession> {
  const cached = sessions.get(artifactSha256);
  if (cached) {
    // Map order is insertion order: re-inserting makes this the most recently used.
    sessions.delete(artifactSha256);
    sessions.set(artifactSha256, cached);
    return cached.session;
  }
  const session = (async () => {
    const bytes = await getArtifactContent(db, artifactSha256);
    if (!bytes) throw new Error(`artifact ${artifactSha256.slice(0, 12)} is missing`);
    return InferenceSession.create(new Uint8Array(bytes), {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: "all",
      executionProviders: ["cpu"],
    });
  })();
  sessions.set(artifactSha256, { session });
  // A failed load is not cached: the next view tries again.
  session.catch(() => sessions.delete(artifactSha256));
  while (sessions.size > MAX_CACHED_SESSIONS) {
    const [oldest, entry] = sessions.entries().next().value!;
    sessions.delete(oldest);
    // Give an explanation still running on it time to finish before the native session is freed.
    void entry.session.then((loaded) => setTimeout(() => void loaded.release().catch(() => {}), 30_000)).catch(() => {});
  }
  return session;
}

function onnxPredictor(session: InferenceSession, { probabilityOutput, positiveIndex }: TClassifierOutputOf): TBatchPredictor {
  const inputName = session.inputNames[0];
  const fetches = classifierFetchesOrThrow(session.outputMetadata, probabilityOutput);
  return async (rows, rowCount, width) => {
    const outputs = await session.run({ [inputName]: new Tensor("float32", rows, [rowCount, width]) }, fetches);
    // Read as the worker reads it (lib/onnx/model-output), so the contributions add up to the served probability.
    return readBinaryClassifierOutputs({ outputs, rowCount, probabilityOutput, positiveIndex }).probabilities;
  };
}

/** A predictor over index rows (lib/explain/reference indexedCoalitionValues) that feeds every ONNX input of its own type. */
function typedOnnxPredictor(
  session: InferenceSession,
  { probabilityOutput, positiveIndex }: TClassifierOutputOf,
  specs: TFeedSpec[],
  decode: (indexes: Float32Array, rowCount: number) => TInputRow[],
): TBatchPredictor {
  const fetches = classifierFetchesOrThrow(session.outputMetadata, probabilityOutput);
  return async (rows, rowCount) => {
    const feeds = buildFeeds(specs, decode(rows, rowCount)).map(
      (feed) => [feed.name, new Tensor(feed.type, feed.data, feed.dims)] as const,
    );
    const outputs = await session.run(Object.fromEntries(feeds), fetches);
    return readBinaryClassifierOutputs({ outputs, rowCount, probabilityOutput, positiveIndex }).probabilities;
  };
}

/**
 * Shapley contributions of one model-input row of a version, computed with the version's own
 * ONNX model over up to 100 of its reference rows as background. `features` is the row as the
 * features column stores it; `inputRow`, when given, the exact values the model took (category
 * strings, doubles, int64), else categories are read back from their index. Throws when the
 * version has no reference data or its artifact cannot be loaded.
 */
export async function explainPrediction(
  db: TDb,
  input: { versionId: string; features: number[]; inputRow?: TInputRow },
): Promise<TShapleyExplanation> {
  const version = await getExplainableVersion(db, input.versionId);
  if (!version) throw new Error(`model version ${input.versionId} does not exist`);
  const inputSchema = ZInputSchema.parse(version.inputSchema);
  const inputFeatures = modelInputFeatures(inputSchema);
  const inputs = inputFeatures.map((feature) => feature.name);
  const outputSchema = ZOutputSchema.parse(version.outputSchema);
  const declared = modelInputSpecs(inputSchema);
  if (declared.length === 1 && declared[0].name === null && declared[0].type === "float32") {
    const background = selectBackgroundRows(version.referenceColumns ?? {}, inputs, BACKGROUND_ROWS);
    if (!background) throw new MissingReferenceError();
    const session = await sessionFor(db, version.artifactSha256);
    return explainWithShapley({
      features: inputs,
      x: input.features,
      background,
      predict: onnxPredictor(session, classifierOutputOf(outputSchema)),
    });
  }
  // Several inputs or other element types: Shapley runs on indexes into each feature's values.
  const background = selectBackgroundInputRows(
    version.referenceColumns ?? {},
    inputFeatures.map((feature) => ({ name: feature.name, text: feature.tensorType === "string" })),
    BACKGROUND_ROWS,
  );
  if (!background) throw new MissingReferenceError();
  const x: TInputRow =
    input.inputRow ??
    inputFeatures.map((feature, column) =>
      feature.tensorType === "string" ? (feature.allowedValues?.[input.features[column]] ?? "") : input.features[column],
    );
  const session = await sessionFor(db, version.artifactSha256);
  const feeds = resolveFeedSpecs(session.inputMetadata, declared);
  if (!feeds.ok) throw new Error(feeds.problems.map((problem) => problem.message).join("; "));
  const indexed = indexedCoalitionValues(x, background);
  const explanation = await explainWithShapley({
    features: inputs,
    x: indexed.x,
    background: indexed.background,
    predict: typedOnnxPredictor(session, classifierOutputOf(outputSchema), feeds.specs, indexed.decode),
  });
  // The values shown beside the bars: numbers as given, a category as the features column stores it (its index).
  return {
    ...explanation,
    contributions: explanation.contributions.map((contribution, column) => ({
      ...contribution,
      value: typeof x[column] === "number" ? (x[column] as number) : input.features[column],
    })),
  };
}

class MissingReferenceError extends Error {
  constructor() {
    super("This version was registered without reference data, which the explanation uses as its background.");
  }
}

/** The item view's explanation: never throws, so a failure shows in its own section and not as the page's error. */
export async function explainReviewItem(db: TDb, item: TReviewItemDetail): Promise<TItemExplanation> {
  if (item.role === "fallback" || !item.modelVersionId)
    return { ok: false, message: "The rule-based fallback answered this prediction: there is no model output to explain." };
  const inputRow = item.features.map((feature) => feature.value);
  if (inputRow.some((value) => value === null)) return { ok: false, message: "The recorded inputs do not match the version's schema." };
  // The features column's encoding, for the bars' values: a category string by its position among the inputs' recorded codes.
  const features = item.features.map((feature) => (typeof feature.value === "number" ? feature.value : (feature.code ?? -1)));
  try {
    const valueLabels = Object.fromEntries(
      item.features.flatMap((feature) => (typeof feature.value === "string" ? [[feature.name, feature.value]] : [])),
    );
    return {
      ok: true,
      explanation: await explainPrediction(db, { versionId: item.modelVersionId, features, inputRow: inputRow as TInputRow }),
      ...(Object.keys(valueLabels).length > 0 ? { valueLabels } : {}),
    };
  } catch (error) {
    if (error instanceof MissingReferenceError) return { ok: false, message: error.message };
    const reference = randomUUID().slice(0, 8);
    logger.error({ reference, reviewItemId: item.id, err: error }, "explaining a review item failed");
    return { ok: false, message: `The contributions could not be computed (reference ${reference}).` };
  }
}

/** Decided items of the same version nearest to this one; says why there are none when it cannot look. */
export async function findSimilarCases(db: TDb, item: TReviewItemDetail): Promise<TSimilarCases> {
  if (!item.modelVersionId)
    return { ok: false, message: "The rule-based fallback answered this prediction, so there is no model version to compare within." };
  if (item.features.some((feature) => typeof feature.value === "string"))
    return { ok: false, message: "Similar cases are found by distance over numeric inputs; this model also takes categories." };
  if (item.features.some((feature) => feature.value === null || !feature.reference)) {
    return { ok: false, message: "This version has no reference data to standardize the inputs with." };
  }
  try {
    const cases = await listSimilarDecidedItems(db, {
      excludeItemId: item.id,
      modelVersionId: item.modelVersionId,
      features: item.features.map((feature) => feature.value as number),
      scales: item.features.map((feature) => distanceScale(feature.reference ?? undefined)),
    });
    return { ok: true, cases };
  } catch (error) {
    const reference = randomUUID().slice(0, 8);
    logger.error({ reference, reviewItemId: item.id, err: error }, "finding similar review items failed");
    return { ok: false, message: `Similar cases could not be loaded (reference ${reference}).` };
  }
}

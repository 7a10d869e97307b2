import "server-only";
import { randomUUID } from "node:crypto";
import { InferenceSession, Tensor } from "onnxruntime-node";
import type { TDb } from "@/db/connection";
import { getExplainableVersion } from "@/db/queries/explanations";
import { listSimilarDecidedItems } from "@/db/queries/review";
import { getArtifactContent } from "@/db/queries/serving";
import { distanceScale, selectBackgroundRows } from "@/lib/explain/reference";
import { explainWithShapley, type TBatchPredictor, type TShapleyExplanation } from "@/lib/explain/shapley";
import { classifierFetchesOrThrow, readBinaryClassifierOutputs } from "@/lib/onnx/model-output";
import { classifierOutputOf, modelInputFeatures, ZInputSchema, ZOutputSchema, type TClassifierOutputOf } from "@/lib/registry";
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

/**
 * Shapley contributions of one model-input row of a version, computed with the version's own
 * ONNX model over up to 100 of its reference rows as background. Throws when the version has no
 * reference data or its artifact cannot be loaded.
 */
export async function explainPrediction(db: TDb, input: { versionId: string; features: number[] }): Promise<TShapleyExplanation> {
  const version = await getExplainableVersion(db, input.versionId);
  if (!version) throw new Error(`model version ${input.versionId} does not exist`);
  const inputs = modelInputFeatures(ZInputSchema.parse(version.inputSchema)).map((feature) => feature.name);
  const outputSchema = ZOutputSchema.parse(version.outputSchema);
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

class MissingReferenceError extends Error {
  constructor() {
    super("This version was registered without reference data, which the explanation uses as its background.");
  }
}

/** The item view's explanation: never throws, so a failure shows in its own section and not as the page's error. */
export async function explainReviewItem(db: TDb, item: TReviewItemDetail): Promise<TItemExplanation> {
  if (item.role === "fallback" || !item.modelVersionId)
    return { ok: false, message: "The rule-based fallback answered this prediction: there is no model output to explain." };
  const features = item.features.map((feature) => feature.value);
  if (features.some((value) => value === null)) return { ok: false, message: "The recorded inputs do not match the version's schema." };
  try {
    return { ok: true, explanation: await explainPrediction(db, { versionId: item.modelVersionId, features: features as number[] }) };
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

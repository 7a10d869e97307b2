import { v7 as timeOrderedUuid } from "uuid";
import {
  binaryConfidence,
  evaluateFallback,
  planRouting,
  reviewReason,
  type TInstanceValues,
  type TReviewReason,
  type TServingRole,
} from "@/lib/inference/routing";
import { classifierOutputOf, modelInputFeatures, modelInputSpecs, type TInputRow } from "@/lib/registry";
import type { TOutputTensor } from "@/lib/onnx/model-output";
import { runClassifierOutputs } from "../onnx/score-rows";
import type { TPredictionRecord, TReviewRecord } from "./recorder";
import type { TLoadedVersion, TServedModel } from "./serving-state";

export type TEncodedInstance = {
  /** The model inputs as the features column stores them (lib/registry encodeInstance). */
  tensorRow: number[];
  /** The model inputs as the model takes them (strings for string tensors); tensorRow when absent. */
  inputRow?: TInputRow;
  values: TInstanceValues;
  attributes: Record<string, string | number | boolean>;
};

export type TPredictionResult = {
  predictionId: string;
  requestId: string;
  probability: number;
  label: string;
  modelVersion: string | null;
  role: "champion" | "challenger" | "fallback";
  sentToReview: boolean;
  reviewReason: TReviewReason | null;
};

/** Runs a version on many rows in one session.run: P(positive) per row, read as the validation job reads it. */
export async function runVersion(version: TLoadedVersion, rows: TInputRow[]): Promise<number[]> {
  return (await runVersionOutputs(version, rows)).probabilities;
}

/** As runVersion, keeping every tensor output the model gave (the Open Inference Protocol returns them). */
function runVersionOutputs(version: TLoadedVersion, rows: TInputRow[]) {
  return runClassifierOutputs(version.session, {
    rows,
    width: version.inputWidth,
    specs: version.inputs,
    inputs: modelInputSpecs(version.inputSchema),
    ...classifierOutputOf(version.outputSchema),
  });
}

const modelRow = (instance: TEncodedInstance): TInputRow => instance.inputRow ?? instance.tensorRow;

/** The raw outputs of one session.run of a batch, for the instances at `indexes` (in that order). */
export type TModelOutputs = {
  role: "champion" | "challenger";
  version: TLoadedVersion;
  indexes: number[];
  outputs: Record<string, TOutputTensor>;
};

/** Maps a tensor row back to named features, so fallback and review rules work for OIP calls too. */
export function valuesFromTensorRow(model: TServedModel, row: TInputRow): TInstanceValues {
  const features = model.inputSchema ? modelInputFeatures(model.inputSchema) : [];
  return Object.fromEntries(features.map((feature, index) => [feature.name, row[index]]));
}

/**
 * Answers a batch of instances for one model: routing, inference (one session.run per version),
 * fallback on kill switch or model error, review routing, and the records to commit before the
 * caller gets the answer.
 */
export async function predictBatch(input: {
  model: TServedModel;
  instances: TEncodedInstance[];
  requestIds: string[];
  /** The ids that route each instance (default: its requestId); OIP routes a whole request by its one id. */
  routingIds?: string[];
  apiKeyId: string | null;
  receivedAt: number;
  random?: () => number;
  /**
   * Runs a version on rows, shared with other requests (workers/inference/batcher.ts). When given,
   * only probabilities are read and `modelOutputs` stays empty (the Open Inference Protocol needs them
   * and runs its own batches).
   */
  runRows?: (version: TLoadedVersion, rows: TInputRow[]) => Promise<number[]>;
}): Promise<{
  results: TPredictionResult[];
  predictions: TPredictionRecord[];
  reviews: TReviewRecord[];
  fallbackCauses: string[];
  modelOutputs: TModelOutputs[];
}> {
  const { model, instances, requestIds } = input;
  const random = input.random ?? Math.random;
  const deployment = {
    mode: model.mode,
    canaryPercent: model.canaryPercent,
    killSwitch: model.killSwitch,
    hasChampion: model.champion !== null,
    hasChallenger: model.challenger !== null,
  };
  const plans = (input.routingIds ?? requestIds).map((routingId) => planRouting(deployment, routingId));
  const answered: TAnswer[] = new Array(instances.length);
  // A fallback answer caused by a failing version is recorded against that version, so its error rate can be judged.
  const failedVersionIds = new Map<number, string>();
  const fallbackCauses: string[] = [];
  const shadowProbabilities = new Map<number, number>();
  const modelOutputs: TModelOutputs[] = [];

  const run: TGroupRun = { instances, plans, runRows: input.runRows, answered, failedVersionIds, fallbackCauses, modelOutputs };
  await Promise.all([answerGroup(run, "champion", model.champion), answerGroup(run, "challenger", model.challenger)]);

  const shadowIndexes = plans.flatMap((plan, index) => (plan.runShadow ? [index] : []));
  if (shadowIndexes.length > 0 && model.challenger) {
    try {
      const probabilities = await (input.runRows ?? runVersion)(
        model.challenger,
        shadowIndexes.map((index) => modelRow(instances[index])),
      );
      shadowIndexes.forEach((index, position) => shadowProbabilities.set(index, probabilities[position]));
    } catch {
      // A failing shadow is only a missing comparison; the caller is unaffected.
    }
  }

  plans.forEach((plan, index) => {
    if (plan.answeredBy !== "fallback") return;
    if (fallbackCauses.length === 0) fallbackCauses.push(model.killSwitch ? "kill_switch" : "no_champion");
    answered[index] = {
      probability: evaluateFallback(model.fallback, instances[index].values).probability,
      role: "fallback",
      version: null,
    };
  });

  const latencyMs = performance.now() - input.receivedAt;
  const createdAt = new Date();
  const outputSchema = model.champion?.outputSchema ?? model.challenger?.outputSchema;
  const predictions: TPredictionRecord[] = [];
  const reviews: TReviewRecord[] = [];
  // Built with push, not map: a packed array, which JSON.stringify walks on its fast path.
  const results: TPredictionResult[] = [];
  instances.forEach((instance, index) => {
    const { probability, role, version } = answered[index];
    // Time-ordered: the rows of a flush land at the right edge of the id and request_id indexes.
    const predictionId = timeOrderedUuid();
    const confidence = binaryConfidence(probability);
    const label = labelOf(probability, version, outputSchema);
    const shadowProbability = shadowProbabilities.get(index);
    const shadowLabel =
      shadowProbability !== undefined && model.challenger ? labelOf(shadowProbability, model.challenger, outputSchema) : null;
    const reason = reviewReason({
      confidence,
      confidenceThreshold: model.confidenceThreshold,
      instance: instance.values,
      settings: model.review,
      sampleRate: model.reviewSampleRate,
      sampleDraw: random(),
      shadowDisagrees: role !== "fallback" && shadowLabel !== null && shadowLabel !== label,
    });
    predictions.push(
      record({
        id: predictionId,
        createdAt,
        model,
        versionId: version?.id ?? failedVersionIds.get(index) ?? null,
        role,
        requestId: requestIds[index],
        apiKeyId: input.apiKeyId,
        instance,
        probability,
        label,
        confidence,
        latencyMs,
        sentToReview: reason !== null,
      }),
    );
    if (reason) {
      reviews.push({
        predictionId,
        predictionCreatedAt: createdAt,
        modelId: model.modelId,
        modelVersionId: version?.id ?? null,
        reason,
        dueAt: new Date(createdAt.getTime() + model.review.dueHours * 3_600_000),
        attributes: instance.attributes,
      });
    }
    if (shadowProbability !== undefined && shadowLabel !== null && model.challenger) {
      predictions.push(
        record({
          id: timeOrderedUuid(),
          createdAt,
          model,
          versionId: model.challenger.id,
          role: "shadow",
          requestId: requestIds[index],
          apiKeyId: input.apiKeyId,
          instance,
          probability: shadowProbability,
          label: shadowLabel,
          confidence: binaryConfidence(shadowProbability),
          latencyMs,
          sentToReview: false,
        }),
      );
    }
    results.push({
      predictionId,
      requestId: requestIds[index],
      probability,
      label,
      modelVersion: version?.version ?? null,
      role,
      sentToReview: reason !== null,
      reviewReason: reason,
    });
  });
  return { results, predictions, reviews, fallbackCauses, modelOutputs };
}

type TAnswer = { probability: number; role: "champion" | "challenger" | "fallback"; version: TLoadedVersion | null };

/** What predictBatch's model runs share: the instances, their routing, and where answers and failures go. */
type TGroupRun = {
  instances: TEncodedInstance[];
  plans: ReturnType<typeof planRouting>[];
  runRows?: (version: TLoadedVersion, rows: TInputRow[]) => Promise<number[]>;
  answered: TAnswer[];
  failedVersionIds: Map<number, string>;
  fallbackCauses: string[];
  modelOutputs: TModelOutputs[];
};

/** Runs the instances routed to `role` on its version (one session.run) and records their answers; a failure routes them to the fallback. */
async function answerGroup(run: TGroupRun, role: "champion" | "challenger", version: TLoadedVersion | null): Promise<void> {
  const indexes = run.plans.flatMap((plan, index) => (plan.answeredBy === role ? [index] : []));
  if (indexes.length === 0 || !version) return;
  try {
    const rows = indexes.map((index) => modelRow(run.instances[index]));
    let probabilities: number[];
    if (run.runRows) probabilities = await run.runRows(version, rows);
    else {
      const outputs = await runVersionOutputs(version, rows);
      probabilities = outputs.probabilities;
      run.modelOutputs.push({ role, version, indexes, outputs: outputs.outputs });
    }
    indexes.forEach((index, position) => (run.answered[index] = { probability: probabilities[position], role, version }));
  } catch {
    // A failing model must not fail the caller: the rule-based fallback answers instead.
    for (const index of indexes) {
      run.plans[index] = { answeredBy: "fallback", runShadow: false };
      run.failedVersionIds.set(index, version.id);
    }
    run.fallbackCauses.push("model_error");
  }
}

/** The label of a probability at the version's threshold (the model's output schema for a fallback answer). */
function labelOf(probability: number, version: TLoadedVersion | null, modelSchema: TLoadedVersion["outputSchema"] | undefined): string {
  const schema = version?.outputSchema ?? modelSchema;
  return probability >= (version?.outputSchema.threshold ?? modelSchema?.threshold ?? 0.5)
    ? (schema?.positiveLabel ?? "positive")
    : (schema?.negativeLabel ?? "negative");
}

function record(input: {
  id: string;
  createdAt: Date;
  model: TServedModel;
  versionId: string | null;
  role: TServingRole;
  requestId: string;
  apiKeyId: string | null;
  instance: TEncodedInstance;
  probability: number;
  label: string;
  confidence: number;
  latencyMs: number;
  sentToReview: boolean;
}): TPredictionRecord {
  return {
    id: input.id,
    createdAt: input.createdAt,
    modelId: input.model.modelId,
    modelVersionId: input.versionId,
    role: input.role,
    requestId: input.requestId,
    apiKeyId: input.apiKeyId,
    features: input.instance.tensorRow,
    attributes: input.instance.attributes,
    probability: input.probability,
    label: input.label,
    confidence: input.confidence,
    latencyMs: input.latencyMs,
    sentToReview: input.sentToReview,
  };
}

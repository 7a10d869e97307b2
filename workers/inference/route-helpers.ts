import type { FastifyReply } from "fastify";
import type { z } from "zod";
import type { TDatabase } from "@/db/connection";
import type { TInputRow } from "@/lib/registry";
import type { TAuthenticate } from "./api-key-auth";
import type { TWorkerMetrics } from "./metrics";
import { predictBatch, type TEncodedInstance, type TModelOutputs, type TPredictionResult } from "./predict";
import type { TRecorder } from "./recorder";
import type { TLoadedVersion, TServedModel, TServingState } from "./serving-state";

export type TInferenceRouteOptions = {
  db: TDatabase;
  state: TServingState;
  recorder: TRecorder;
  metrics: TWorkerMetrics;
  authenticate: TAuthenticate;
  maxBatchInstances: number;
};

export function zodDetails(error: z.ZodError) {
  return error.issues.map((issue) => ({ field: issue.path.join(".") || "(body)", message: issue.message }));
}

export function sendValidationError(
  reply: FastifyReply,
  message: string,
  errors: Array<{ field: string; message: string; instance?: number }>,
) {
  return reply.code(422).send({ error: "invalid_input", message, errors });
}

/**
 * Predicts a batch for either protocol: runs the model, waits until the records are committed
 * (nothing is answered that is not recorded), and counts the answers in the worker's metrics.
 */
export async function answerBatch(
  options: Pick<TInferenceRouteOptions, "recorder" | "metrics">,
  input: {
    model: TServedModel;
    instances: TEncodedInstance[];
    requestIds: string[];
    requestIdsGenerated?: boolean;
    apiKeyId: string | null;
    receivedAt: number;
    runRows?: (version: TLoadedVersion, rows: TInputRow[]) => Promise<number[]>;
  },
): Promise<TPredictionResult[]> {
  return (await answerBatchWithOutputs(options, input)).results;
}

/**
 * As answerBatch, also returning the raw outputs of each session.run, and `replayed` when some
 * requestId had been answered before (its first answer is returned, so this run's outputs do not apply).
 */
export async function answerBatchWithOutputs(
  { recorder, metrics }: Pick<TInferenceRouteOptions, "recorder" | "metrics">,
  input: {
    model: TServedModel;
    instances: TEncodedInstance[];
    requestIds: string[];
    routingIds?: string[];
    /** True when the worker made the request ids up (random UUIDs): no earlier answer to look for. */
    requestIdsGenerated?: boolean;
    apiKeyId: string | null;
    receivedAt: number;
    /** Shares session.run with other requests (predictBatch's runRows); modelOutputs then stays empty. */
    runRows?: (version: TLoadedVersion, rows: TInputRow[]) => Promise<number[]>;
  },
): Promise<{ results: TPredictionResult[]; modelOutputs: TModelOutputs[]; replayed: boolean }> {
  const { model } = input;
  const outcome = await predictBatch(input);
  // A retried requestId gets its first answer back; the new one was not stored.
  const firstAnswers = new Map(
    (
      await recorder.record({
        predictions: outcome.predictions,
        reviews: outcome.reviews,
        requestIdsGenerated: input.requestIdsGenerated,
      })
    ).map((answer) => [answer.requestId, answer]),
  );
  let replayed = false;
  const results =
    firstAnswers.size === 0
      ? outcome.results
      : outcome.results.map((fresh) => {
          const first = firstAnswers.get(fresh.requestId);
          if (first && first.predictionId !== fresh.predictionId) replayed = true;
          return first ?? fresh;
        });
  const seconds = (performance.now() - input.receivedAt) / 1000;
  for (const result of outcome.results) {
    metrics.requests.inc({ model: model.slug, version: result.modelVersion ?? "fallback", role: result.role, status: "ok" });
    metrics.latency.observe({ model: model.slug, role: result.role }, seconds);
    if (result.reviewReason) metrics.reviews.inc({ model: model.slug, reason: result.reviewReason });
  }
  for (const cause of outcome.fallbackCauses) metrics.fallbacks.inc({ model: model.slug, cause });
  return { results, modelOutputs: outcome.modelOutputs, replayed };
}

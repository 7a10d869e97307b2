import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

// From half a millisecond (a commit on a quiet machine) to a second (a stalled one), for every duration below.
const SECONDS_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/** Prometheus metrics of one worker process, served at /metrics. */
export function createWorkerMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: "oversight_predictions_total",
      help: "Predictions answered, by model, version, role and status",
      labelNames: ["model", "version", "role", "status"] as const,
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: "oversight_http_requests_total",
      help: "Inference HTTP requests by route and status code",
      labelNames: ["route", "status"] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: "oversight_prediction_latency_seconds",
      help: "Request latency from arrival to committed record, by model and role",
      labelNames: ["model", "role"] as const,
      buckets: SECONDS_BUCKETS,
      registers: [registry],
    }),
    fallbacks: new Counter({
      name: "oversight_fallback_total",
      help: "Predictions answered by the rule-based fallback",
      labelNames: ["model", "cause"] as const,
      registers: [registry],
    }),
    reviews: new Counter({
      name: "oversight_review_items_total",
      help: "Predictions sent to human review",
      labelNames: ["model", "reason"] as const,
      registers: [registry],
    }),
    inferenceBatchRows: new Histogram({
      name: "oversight_inference_batch_rows",
      help: "Rows per session.run of feature-JSON requests; concurrent requests share runs (workers/inference/batcher.ts)",
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: "oversight_record_batch_rows",
      help: "Prediction rows written per group commit",
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
      registers: [registry],
    }),
    // A slow disk sync or a lock shows here first: every request of the batch waits for it.
    commitSeconds: new Histogram({
      name: "oversight_record_commit_seconds",
      help: "Time of one group commit, from the start of its write to COMMIT's answer",
      buckets: SECONDS_BUCKETS,
      registers: [registry],
    }),
    // Waits grow when commits queue behind the ones in flight: the group commit's share of a request's latency.
    recordWaitSeconds: new Histogram({
      name: "oversight_record_wait_seconds",
      help: "Time a request's records waited in the recorder's queue for their group commit to start",
      buckets: SECONDS_BUCKETS,
      registers: [registry],
    }),
  };
}

export type TWorkerMetrics = ReturnType<typeof createWorkerMetrics>;

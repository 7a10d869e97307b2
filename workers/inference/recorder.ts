import type { TDatabase } from "@/db/connection";
import { insertPredictionBatch, type TPredictionRecord, type TReviewRecord, type TStoredAnswer } from "@/db/writes/predictions";

export type { TPredictionRecord, TReviewRecord };

type TPending = {
  predictions: TPredictionRecord[];
  reviews: TReviewRecord[];
  requestIdsGenerated?: boolean;
  keys: string[];
  /** performance.now() when queued: the wait for a flush to start is reported with the flush. */
  queuedAt: number;
  resolve: (firstAnswers: TStoredAnswer[]) => void;
  reject: (error: unknown) => void;
};

export type TRecorder = {
  /**
   * Resolves once the records are committed: answer the caller only after that. Request ids answered
   * before (within the idempotency window) are not stored again; their first answers come back instead.
   * `requestIdsGenerated`: the worker made the request ids up (the caller sent none), so that check is skipped.
   */
  record: (entry: {
    predictions: TPredictionRecord[];
    reviews: TReviewRecord[];
    requestIdsGenerated?: boolean;
  }) => Promise<TStoredAnswer[]>;
  /** Waits for everything queued to be committed. */
  drain: () => Promise<void>;
  stats: () => { flushes: number; rows: number };
};

/**
 * Group commit: records of concurrent requests wait at most one flush and are written together
 * (one multi-row INSERT per table, one transaction), with up to `maxInFlight` flushes running
 * at once so one disk sync does not stall the next batch.
 */
export function createRecorder(options: {
  db: TDatabase;
  maxBatchRows?: number;
  maxInFlight?: number;
  /**
   * After each committed flush: its rows, its seconds from the start of the write to the commit, and how
   * long each request's records waited in the queue for that write to start (one entry per request).
   */
  onFlush?: (rows: number, seconds: number, waitedSeconds: number[]) => void;
  /**
   * Benchmark only (`npm run bench:serve` compares against it): batches are dropped instead of written,
   * so the cost of durable audit can be measured. Never on in a served worker.
   */
  discardForBenchmark?: boolean;
}): TRecorder {
  const maxBatchRows = options.maxBatchRows ?? 500;
  const maxInFlight = options.maxInFlight ?? 2;
  const queue: TPending[] = [];
  let inFlight = 0;
  let scheduled = false;
  let flushes = 0;
  let rows = 0;
  const idleWaiters: Array<() => void> = [];

  // A retry queued beside its first attempt waits for the next flush, so that one sees the first committed.
  const takeBatch = (): TPending[] => {
    const batch: TPending[] = [];
    const retries: TPending[] = [];
    const batchKeys = new Set<string>();
    let count = 0;
    let index = 0;
    for (; index < queue.length; index += 1) {
      const next = queue[index];
      if (batch.length > 0 && count + next.predictions.length > maxBatchRows) break;
      if (next.keys.some((key) => batchKeys.has(key))) {
        retries.push(next);
        continue;
      }
      batch.push(next);
      for (const key of next.keys) batchKeys.add(key);
      count += next.predictions.length;
    }
    // One splice for the whole batch; the retries it skipped stay at the front, in order.
    queue.splice(0, index, ...retries);
    return batch;
  };

  const flush = async (batch: TPending[]) => {
    const predictionRows = batch.flatMap((pending) => pending.predictions);
    const reviewRows = batch.flatMap((pending) => pending.reviews);
    const generatedRequestIds = new Set(
      batch.flatMap((pending) => (pending.requestIdsGenerated ? pending.predictions.map((row) => row.requestId) : [])),
    );
    const started = performance.now();
    const waitedSeconds = options.onFlush ? batch.map((pending) => (started - pending.queuedAt) / 1000) : [];
    try {
      const { firstAnswers } = options.discardForBenchmark
        ? { firstAnswers: [] }
        : await insertPredictionBatch(options.db, { predictions: predictionRows, reviews: reviewRows, generatedRequestIds });
      flushes += 1;
      rows += predictionRows.length;
      options.onFlush?.(predictionRows.length, (performance.now() - started) / 1000, waitedSeconds);
      const firstByKey = new Map(firstAnswers.map(({ modelId, answer }) => [keyOf({ modelId, requestId: answer.requestId }), answer]));
      for (const pending of batch) pending.resolve(pending.keys.flatMap((key) => firstByKey.get(key) ?? []));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  };

  const pump = () => {
    scheduled = false;
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = takeBatch();
      inFlight += 1;
      void flush(batch).finally(() => {
        inFlight -= 1;
        if (queue.length > 0) pump();
        else if (inFlight === 0) idleWaiters.splice(0).forEach((resolve) => resolve());
      });
    }
  };

  return {
    record: (entry) =>
      new Promise<TStoredAnswer[]>((resolve, reject) => {
        // Generated ids are new: they cannot be a retry of anything queued.
        const keys = entry.requestIdsGenerated ? [] : entry.predictions.filter((row) => row.role !== "shadow").map(keyOf);
        queue.push({
          predictions: entry.predictions,
          reviews: entry.reviews,
          requestIdsGenerated: entry.requestIdsGenerated,
          keys,
          queuedAt: performance.now(),
          resolve,
          reject,
        });
        // Wait one tick so requests arriving together share a flush.
        if (!scheduled) {
          scheduled = true;
          setImmediate(pump);
        }
      }),
    drain: () => (queue.length === 0 && inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
    stats: () => ({ flushes, rows }),
  };
}

function keyOf(row: { modelId: string; requestId: string }): string {
  return `${row.modelId}\u0000${row.requestId}`;
}

import type { TDatabase } from "@/db/connection";
import { insertPredictionBatch, type TPredictionRecord, type TReviewRecord } from "@/db/writes/predictions";

export type { TPredictionRecord, TReviewRecord };

type TPending = { predictions: TPredictionRecord[]; reviews: TReviewRecord[]; resolve: () => void; reject: (error: unknown) => void };

export type TRecorder = {
  /** Resolves once the records are committed: answer the caller only after that. */
  record: (entry: { predictions: TPredictionRecord[]; reviews: TReviewRecord[] }) => Promise<void>;
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
  onFlush?: (rows: number) => void;
}): TRecorder {
  const maxBatchRows = options.maxBatchRows ?? 500;
  const maxInFlight = options.maxInFlight ?? 2;
  const queue: TPending[] = [];
  let inFlight = 0;
  let scheduled = false;
  let flushes = 0;
  let rows = 0;
  const idleWaiters: Array<() => void> = [];

  const takeBatch = (): TPending[] => {
    const batch: TPending[] = [];
    let count = 0;
    while (queue.length > 0 && (batch.length === 0 || count + queue[0].predictions.length <= maxBatchRows)) {
      const next = queue.shift()!;
      batch.push(next);
      count += next.predictions.length;
    }
    return batch;
  };

  const flush = async (batch: TPending[]) => {
    const predictionRows = batch.flatMap((pending) => pending.predictions);
    const reviewRows = batch.flatMap((pending) => pending.reviews);
    try {
      await insertPredictionBatch(options.db, { predictions: predictionRows, reviews: reviewRows });
      flushes += 1;
      rows += predictionRows.length;
      options.onFlush?.(predictionRows.length);
      for (const pending of batch) pending.resolve();
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
      new Promise<void>((resolve, reject) => {
        queue.push({ ...entry, resolve, reject });
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

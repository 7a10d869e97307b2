import type { TInputRow } from "@/lib/registry";

/** Runs a model version on rows in one session.run and returns P(positive) per row, in order. */
type TRunRows<TVersion> = (version: TVersion, rows: TInputRow[]) => Promise<number[]>;

type TWaiting = { rows: TInputRow[]; resolve: (probabilities: number[]) => void; reject: (error: unknown) => void };

/**
 * Dynamic batching across requests (as Triton and TorchServe do): rows for the same version that arrive
 * within one event-loop turn share one session.run, which costs little more for 30 rows than for one.
 * Requests arrive together in the poll phase; the batch runs in the check phase right after
 * (setImmediate), so no request waits for a timer. Versions are never mixed in one run.
 *
 * If a shared run fails, each request's rows are run again alone, so one request whose rows the
 * model cannot score does not take the others down with it: only the failing ones reject (and their
 * callers fall back).
 */
export function createInferenceBatcher<TVersion extends object>(options: {
  run: TRunRows<TVersion>;
  maxBatchRows?: number;
  /** Called with the row count of each session.run (the worker's metrics). */
  onRun?: (rows: number) => void;
}) {
  const maxBatchRows = options.maxBatchRows ?? 256;
  // Keyed by the loaded version itself (the serving state keeps one per version): a copy with another
  // output schema is another group.
  const waiting = new Map<TVersion, TWaiting[]>();
  let scheduled = false;
  let runs = 0;
  const runAlone = (version: TVersion, entry: TWaiting) => {
    runs += 1;
    options.onRun?.(entry.rows.length);
    options.run(version, entry.rows).then(entry.resolve, entry.reject);
  };
  const runShared = (version: TVersion, entries: TWaiting[]) => {
    if (entries.length === 1) return runAlone(version, entries[0]);
    runs += 1;
    const rows = entries.flatMap((entry) => entry.rows);
    options.onRun?.(rows.length);
    options.run(version, rows).then(
      (probabilities) => {
        let offset = 0;
        for (const entry of entries) {
          entry.resolve(probabilities.slice(offset, offset + entry.rows.length));
          offset += entry.rows.length;
        }
      },
      () => entries.forEach((entry) => runAlone(version, entry)),
    );
  };
  const flush = () => {
    scheduled = false;
    const groups = [...waiting];
    waiting.clear();
    for (const [version, entries] of groups) {
      // Consecutive requests up to maxBatchRows per run; a request larger than that runs alone.
      let chunk: TWaiting[] = [];
      let chunkRows = 0;
      for (const entry of entries) {
        if (chunk.length > 0 && chunkRows + entry.rows.length > maxBatchRows) {
          runShared(version, chunk);
          chunk = [];
          chunkRows = 0;
        }
        chunk.push(entry);
        chunkRows += entry.rows.length;
      }
      if (chunk.length > 0) runShared(version, chunk);
    }
  };
  return {
    /** P(positive) for each of `rows`, from a session.run shared with the other requests of this turn. */
    run: (version: TVersion, rows: TInputRow[]): Promise<number[]> =>
      new Promise<number[]>((resolve, reject) => {
        let entries = waiting.get(version);
        if (!entries) {
          entries = [];
          waiting.set(version, entries);
        }
        entries.push({ rows, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      }),
    /** session.run calls made so far (for tests). */
    runs: () => runs,
  };
}

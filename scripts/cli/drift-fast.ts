// The `drift` command's fast path: both CSV files read as bytes (lib/stats/fast-csv.ts) in byte
// ranges on this thread and worker threads (one thread per core, a few ranges each), then the
// numerical features measured on those threads too (counting or radix sort, lib/stats/radix-sort.ts),
// the number runs handed over, never copied, and sorted straight from their integers or unpacked to
// doubles there into arrays each thread reuses. The
// statistics are detectDrift's own code (featureDriftPrepared) on the same values, so the report
// is the general path's to the bit. Files the byte reader does not take (quotes, lone carriage
// returns, rows with the wrong number of fields, no data rows) give null: the caller reads them
// with the general reader, which also words any error.
import fs from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { InputError, readNumber } from "@/lib/cli/csv-columns";
import { selectDriftColumns, type TDriftSelection } from "@/lib/cli/stats-input";
import { summarizeDrift, type TDriftReport, type TFeatureDrift } from "@/lib/stats/drift";
import {
  mergeColumnParts,
  type TChunkResult,
  type TFastCsvPlan,
  type TMergedCategorical,
  type TMergedNumerical,
} from "@/lib/stats/fast-csv";
import { readCsvFileHeader } from "./csv-file";
import { bundledModule } from "./drift-bundle";
import {
  runBuffers,
  runMeasureTask,
  runParseTask,
  type TMeasureOutcome,
  type TMeasureTask,
  type TPackedColumn,
  type TParseOutcome,
  type TParseTask,
} from "./drift-tasks";
import type { TDriftOptions } from "./stats-commands";

const PROBE_BYTES = 64 * 1024;
/** Below this many bytes in both files together, starting threads costs more than it saves. */
const THREADS_FROM_BYTES = 8 * 1024 * 1024;
/** Byte ranges per thread in the parse. */
const RANGES_PER_THREAD = 3;
const quote = (text: string) => JSON.stringify(text);

type TTask = TParseTask | TMeasureTask;
type TJob = { task: TTask; transfer: ArrayBuffer[]; resolve: (outcome: unknown) => void; reject: (error: unknown) => void };

/**
 * Threads that run drift tasks: worker threads, one task at a time each, and this thread as one
 * more (a share of the work instead of idling saves starting a thread). With no workers, tasks
 * run here only.
 */
export class DriftPool {
  private readonly queue: TJob[] = [];
  /** Each worker's jobs in the order posted (it answers in that order). */
  private readonly running = new Map<Worker, TJob[]>();
  private hereBusy = false;

  private constructor(private readonly workers: Worker[]) {
    for (const worker of workers) {
      this.running.set(worker, []);
      worker.on("message", (message: { outcome: unknown }) => {
        this.running.get(worker)!.shift()?.resolve(message.outcome);
        this.next();
      });
      worker.on("error", (error) => {
        for (const job of this.running.get(worker)!.splice(0)) job.reject(error);
      });
    }
  }

  /** Threads in the pool, this one included. */
  get size(): number {
    return this.workers.length + 1;
  }

  /** `threads` threads in all (default: the available cores, at least 2 to read two files at once): this one and threads − 1 workers; 0 or 1: this one only. */
  static async open(threads = Math.max(os.availableParallelism(), 2)): Promise<DriftPool> {
    if (threads <= 1) return new DriftPool([]);
    const start = await workerStarter();
    const started = Array.from({ length: threads - 1 }, () => {
      const worker = start();
      return new Promise<Worker>((resolve, reject) => {
        const failed = (error: unknown) => {
          worker.off("message", ready);
          worker.off("exit", exited);
          reject(error);
        };
        const exited = (exitCode: number) => failed(new Error(`drift worker exited with code ${exitCode}`));
        const ready = () => {
          worker.off("error", failed);
          worker.off("exit", exited);
          resolve(worker);
        };
        worker.once("message", ready);
        worker.once("error", failed);
        worker.once("exit", exited);
      });
    });
    const settled = await Promise.allSettled(started);
    const workers = settled.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
    if (workers.length < threads - 1) {
      // Threads could not start (no tsx, a sandbox): run in process rather than fail.
      await Promise.all(workers.map((worker) => worker.terminate()));
      return new DriftPool([]);
    }
    return new DriftPool(workers);
  }

  run(task: TParseTask, transfer?: ArrayBuffer[]): Promise<TParseOutcome>;
  run(task: TMeasureTask, transfer?: ArrayBuffer[]): Promise<TMeasureOutcome>;
  run(task: TTask, transfer: ArrayBuffer[] = []): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ task, transfer, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    // Idle workers first; then this thread; then a second job to each worker while more are
    // waiting than there are workers, so a worker does not wait for this thread to hand it one.
    for (const [worker, jobs] of this.running) if (jobs.length === 0 && this.queue.length > 0) this.post(worker, jobs);
    if (!this.hereBusy && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.hereBusy = true;
      setImmediate(() => {
        try {
          job.resolve(job.task.kind === "parse" ? runParseTask(job.task) : runMeasureTask(job.task));
        } catch (error) {
          job.reject(error);
        }
        this.hereBusy = false;
        this.next();
      });
    }
    for (const [worker, jobs] of this.running) if (jobs.length === 1 && this.queue.length > this.workers.length) this.post(worker, jobs);
  }

  private post(worker: Worker, jobs: TJob[]): void {
    const job = this.queue.shift()!;
    jobs.push(job);
    worker.postMessage({ id: 0, task: job.task }, job.transfer);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

/** How to start one drift thread: the compiled worker, else the TypeScript one bundled for plain node, else through tsx. */
async function workerStarter(): Promise<() => Worker> {
  const typescript = import.meta.url.endsWith(".ts");
  const entry = new URL("./drift-worker" + (typescript ? ".ts" : ".js"), import.meta.url);
  // Plain node in the thread: without execArgv: [] it would inherit the parent's --import tsx and load tsx again.
  if (!typescript) return () => new Worker(entry, { execArgv: [] });
  const bundle = await bundledModule(fileURLToPath(entry));
  if (bundle !== null) return () => new Worker(bundle, { execArgv: [] });
  // Node 20 does not pass loader hooks to worker threads: each thread registers tsx itself (slow: about 1.5 s each).
  const code = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
  return () => new Worker(code, { eval: true });
}

type TFileLayout = {
  file: string;
  what: string;
  header: string[];
  /** The header line ends in \r\n: papaparse then splits rows only there. */
  headerCrlf: boolean;
  size: number;
  dataStart: number;
  firstRow: string[];
  lineBytes: number;
};

/** Where the data starts, the first data row and the mean line length, from the first 64 KiB; null for what the byte reader leaves alone. */
function fileLayout(file: string, what: string): TFileLayout | null {
  const header = readCsvFileHeader(file, what);
  const size = fs.statSync(file).size;
  const probe = Buffer.alloc(Math.min(PROBE_BYTES, size));
  const handle = fs.openSync(file, "r");
  try {
    fs.readSync(handle, probe, 0, probe.length, 0);
  } finally {
    fs.closeSync(handle);
  }
  const headerEnd = probe.indexOf(10);
  if (headerEnd < 0 || probe.subarray(0, headerEnd).includes(34)) return null;
  const dataStart = headerEnd + 1;
  let firstEnd = probe.indexOf(10, dataStart);
  if (firstEnd < 0) {
    if (probe.length < size) return null;
    firstEnd = probe.length;
  }
  const firstRow = probe.toString("utf8", dataStart, firstEnd).replace(/\r$/, "").split(",");
  let lines = 0;
  for (let at = probe.indexOf(10, dataStart); at >= 0; at = probe.indexOf(10, at + 1)) lines += 1;
  const lineBytes = lines > 0 ? (probe.length - dataStart) / lines : Math.max(firstEnd - dataStart, 1);
  return { file, what, header, headerCrlf: headerEnd > 0 && probe[headerEnd - 1] === 13, size, dataStart, firstRow, lineBytes };
}

/** Splits a file's data into `parts` ranges of whole lines. */
function lineRanges(layout: TFileLayout, parts: number): [number, number][] {
  const bounds = [layout.dataStart];
  const window = Buffer.alloc(PROBE_BYTES);
  const handle = fs.openSync(layout.file, "r");
  try {
    for (let k = 1; k < parts; k += 1) {
      const approximate = layout.dataStart + Math.floor(((layout.size - layout.dataStart) * k) / parts);
      const bytes = fs.readSync(handle, window, 0, window.length, approximate);
      const newline = window.subarray(0, bytes).indexOf(10);
      const bound = newline < 0 ? -1 : approximate + newline + 1;
      if (bound > bounds[bounds.length - 1] && bound < layout.size) bounds.push(bound);
    }
  } finally {
    fs.closeSync(handle);
  }
  bounds.push(layout.size);
  return bounds.slice(0, -1).map((start, i) => [start, bounds[i + 1]]);
}

type TFileChunks = { layout: TFileLayout; tasks: TParseTask[]; results: TChunkResult[] };

/**
 * Reads the compared columns of both files on the pool into prepared columns, with the general
 * path's checks and messages (buildDriftColumns); null when the general reader must read them.
 */
export async function readDriftPrepared(
  pool: DriftPool,
  options: Omit<TDriftOptions, "json">,
): Promise<{ columns: TPackedColumn[]; selection: TDriftSelection } | null> {
  const reference = fileLayout(options.reference, "--reference");
  const current = fileLayout(options.current, "--current");
  const selection = selectDriftColumns({
    reference: { file: options.reference, header: reference?.header ?? readCsvFileHeader(options.reference, "--reference") },
    current: { file: options.current, header: current?.header ?? readCsvFileHeader(options.current, "--current") },
    columns: options.columns,
    categorical: options.categorical,
    tests: options.test,
    thresholds: options.threshold,
  });
  if (reference === null || current === null) return null;
  const layouts = [reference, current];
  for (const layout of layouts) {
    // A duplicated column name is refused by the general reader, with its message.
    for (const name of selection.names) if (layout.header.indexOf(name) !== layout.header.lastIndexOf(name)) return null;
  }
  // Columns whose first value is text are read as categories from the start (no second pass).
  const categorical = new Map(
    selection.names.map((name) => [
      name,
      selection.categorical.has(name) ||
        layouts.some((layout) => {
          const text = layout.firstRow[layout.header.indexOf(name)];
          return text !== undefined && readNumber(text) === undefined;
        }),
    ]),
  );
  const planOf = (layout: TFileLayout): TFastCsvPlan => ({
    fieldCount: layout.header.length,
    columns: selection.names.map((name) => ({ field: layout.header.indexOf(name), categorical: categorical.get(name)! })),
  });

  // A few ranges per thread, shared between the files by size: on a shared machine a thread that
  // gets less time leaves ranges to the others instead of holding up the end (the ranges' number
  // runs are joined without copying).
  const dataBytes = layouts.map((layout) => Math.max(layout.size - layout.dataStart, 0));
  const totalBytes = dataBytes.reduce((sum, bytes) => sum + bytes, 0) || 1;
  const files: TFileChunks[] = layouts.map((layout, i) => {
    const parts = Math.max(1, Math.round((RANGES_PER_THREAD * pool.size * dataBytes[i]) / totalBytes));
    const plan = planOf(layout);
    const tasks = lineRanges(layout, parts).map(([start, end]): TParseTask => ({
      kind: "parse",
      file: layout.file,
      start,
      end,
      plan,
      expectedRows: Math.ceil(((end - start) / layout.lineBytes) * 1.02) + 64,
    }));
    return { layout, tasks, results: [] };
  });

  const parse = async (tasks: TParseTask[]) => {
    const outcomes = await Promise.all(tasks.map((task) => pool.run(task)));
    return outcomes.every((outcome) => outcome.ok) ? outcomes : null;
  };
  const all = await parse(files.flatMap((chunks) => chunks.tasks));
  if (all === null) return null;
  let at = 0;
  for (const chunks of files) {
    for (const task of chunks.tasks) {
      const outcome = all[at++];
      if (!outcome.ok) return null;
      task.plan = outcome.plan;
      chunks.results.push(outcome.result);
    }
  }

  // A column is categorical when named so or when any value in either file is text; chunks read otherwise are read again.
  for (const [slot, name] of selection.names.entries()) {
    const hasText = files.some((chunks) =>
      chunks.results.some((result) => {
        const part = result.columns[slot];
        return part.kind === "categorical" && part.firstText !== null;
      }),
    );
    categorical.set(name, selection.categorical.has(name) || hasText);
  }
  const again: { chunks: TFileChunks; index: number; task: TParseTask }[] = [];
  for (const chunks of files) {
    chunks.tasks.forEach((task, index) => {
      const wanted = planOf(chunks.layout);
      if (wanted.columns.some((column, slot) => column.categorical !== task.plan.columns[slot].categorical))
        again.push({ chunks, index, task: { ...task, plan: wanted } });
    });
  }
  if (again.length > 0) {
    const outcomes = await parse(again.map((item) => item.task));
    if (outcomes === null) return null;
    again.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) item.chunks.results[item.index] = outcome.result;
    });
  }

  for (const chunks of files) {
    const crlf = chunks.results.reduce((sum, result) => sum + result.crlf, 0);
    const lf = chunks.results.reduce((sum, result) => sum + result.lf, 0);
    const rows = chunks.results.reduce((sum, result) => sum + result.rows, 0);
    // Mixed line endings, or no data rows: the general reader decides (and words the error).
    if ((crlf > 0 && lf > 0) || (chunks.layout.headerCrlf && lf > 0) || rows === 0) return null;
  }
  return { columns: buildPrepared(files, selection), selection };
}

type TMerged = TMergedNumerical | TMergedCategorical;

/** buildDriftColumns's checks and messages on merged columns, then the prepared columns. */
function buildPrepared(files: TFileChunks[], selection: TDriftSelection): TPackedColumn[] {
  const [reference, current] = files.map((chunks) => {
    const linesBefore: number[] = [];
    let lines = 0;
    for (const result of chunks.results) {
      linesBefore.push(lines);
      lines += result.lines;
    }
    const merged = selection.names.map((_, slot) =>
      mergeColumnParts(
        chunks.results.map((result) => result.columns[slot]),
        linesBefore,
      ),
    );
    // Hand the chunk arrays to the merged columns only (a single chunk's array is kept as is).
    chunks.results.length = 0;
    return { file: chunks.layout.file, merged };
  });
  const hasValue = (column: TMerged) =>
    column.kind === "numerical" ? column.length + column.infinite > 0 : column.counts.some((count) => count > 0);
  // Data line k is row k + 1: the header is row 1.
  const firstText = (column: TMerged) =>
    column.kind === "categorical" && column.firstText !== null ? { row: column.firstText.line + 1, text: column.firstText.text } : null;
  return selection.names.map((name, slot) => {
    const referenceColumn = reference.merged[slot];
    const currentColumn = current.merged[slot];
    for (const [table, column] of [
      [reference, referenceColumn],
      [current, currentColumn],
    ] as const) {
      if (!hasValue(column)) throw new InputError(`${table.file}, column ${quote(name)}: every value is blank`);
    }
    const referenceText = firstText(referenceColumn);
    const currentText = firstText(currentColumn);
    const first = referenceText ? { file: reference.file, ...referenceText } : currentText ? { file: current.file, ...currentText } : null;
    const test = selection.tests[name];
    if (first && test !== undefined && ["ks", "psi", "wasserstein"].includes(test)) {
      throw new InputError(
        `${first.file} row ${first.row}, column ${quote(name)}: ${quote(first.text)} is not a number, and --test ${name}=${test} needs numbers`,
      );
    }
    if (!selection.categorical.has(name) && (referenceText === null) !== (currentText === null)) {
      const [table, text] = referenceText ? [reference, referenceText] : [current, currentText!];
      const other = table === reference ? current : reference;
      throw new InputError(
        `${table.file} row ${text.row}, column ${quote(name)}: ${quote(text.text)} is not a number, and every value of ${quote(name)} in ${other.file} is; name the column in --categorical if its values are categories`,
      );
    }
    if (referenceColumn.kind === "numerical" && currentColumn.kind === "numerical") {
      return {
        name,
        kind: "numerical",
        reference: referenceColumn.runs,
        current: currentColumn.runs,
        referenceLength: referenceColumn.length,
        currentLength: currentColumn.length,
      };
    }
    if (referenceColumn.kind !== "categorical" || currentColumn.kind !== "categorical") throw new Error(`column ${name}: kinds differ`);
    // countCategories's order: the reference's categories, then the current file's new ones.
    const index = new Map(referenceColumn.categories.map((category, i) => [category, i]));
    const categories = [...referenceColumn.categories];
    const currentCounts = new Array<number>(categories.length).fill(0);
    const referenceCounts = [...referenceColumn.counts];
    currentColumn.categories.forEach((category, i) => {
      const known = index.get(category);
      if (known === undefined) {
        categories.push(category);
        referenceCounts.push(0);
        currentCounts.push(currentColumn.counts[i]);
      } else {
        currentCounts[known] += currentColumn.counts[i];
      }
    });
    const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
    return {
      name,
      kind: "categorical",
      counts: { categories, reference: Float64Array.from(referenceCounts), current: Float64Array.from(currentCounts) },
      referenceRows: sum(referenceColumn.counts),
      currentRows: sum(currentColumn.counts),
    };
  });
}

/** detectDrift on prepared columns: numerical features on the pool's threads (their arrays handed over), categorical ones here. */
export async function measureDriftPrepared(pool: DriftPool, columns: TPackedColumn[], selection: TDriftSelection): Promise<TDriftReport> {
  const options = { tests: selection.tests, thresholds: selection.thresholds };
  // Largest first, so the threads finish together.
  const order = columns.map((column, index) => ({ column, index })).sort((a, b) => size(b.column) - size(a.column));
  const outcomes = new Array<TMeasureOutcome>(columns.length);
  await Promise.all(
    order.map(async ({ column, index }) => {
      if (column.kind === "categorical") {
        outcomes[index] = runMeasureTask({ kind: "measure", column, options });
        return;
      }
      const transfer = [...new Set([...runBuffers(column.reference), ...runBuffers(column.current)])];
      outcomes[index] = await pool.run({ kind: "measure", column, options }, transfer);
    }),
  );
  const features: TFeatureDrift[] = [];
  for (const outcome of outcomes) {
    // The first failing column in column order, as detectDrift would throw it.
    if (!outcome.ok) throw new InputError(outcome.message);
    features.push(outcome.feature);
  }
  return summarizeDrift(features, options);
}

function size(column: TPackedColumn): number {
  return column.kind === "numerical" ? column.referenceLength + column.currentLength : 0;
}

/** The drift report by the fast path, or null when the general reader must read these files. */
export async function fastDriftReport(options: Omit<TDriftOptions, "json">): Promise<TDriftReport | null> {
  const bytes = [options.reference, options.current].reduce((sum, file) => sum + (fs.existsSync(file) ? fs.statSync(file).size : 0), 0);
  const pool = await DriftPool.open(bytes < THREADS_FROM_BYTES ? 1 : undefined);
  try {
    const prepared = await readDriftPrepared(pool, options);
    return prepared === null ? null : await measureDriftPrepared(pool, prepared.columns, prepared.selection);
  } finally {
    await pool.close();
  }
}

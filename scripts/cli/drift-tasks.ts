// The two kinds of work the drift report hands to its worker threads (scripts/cli/drift-fast.ts):
// read a byte range of a CSV file into columns, and measure one prepared feature. The same
// functions run in process when worker threads are unavailable.
import fs from "node:fs";
import {
  FastCsvChunkReader,
  unpackRuns,
  type TChunkResult,
  type TFastCsvPlan,
  type TFastCsvProblem,
  type TNumberRun,
} from "@/lib/stats/fast-csv";
import { featureDriftPrepared, numericalTestSorts, type TDriftOptions, type TFeatureDrift, type TPreparedColumn } from "@/lib/stats/drift";
import { countingSortDecimals } from "@/lib/stats/radix-sort";

/** A range of whole lines of one file: [start, end) starts after a newline and ends after one (or at the end of the file). */
export type TParseTask = { kind: "parse"; file: string; start: number; end: number; plan: TFastCsvPlan; expectedRows: number };
export type TParseOutcome =
  { ok: true; result: TChunkResult; plan: TFastCsvPlan } | { ok: false; problem: Exclude<TFastCsvProblem, { kind: "text" }> };
/** A prepared column whose numbers are still the reader's runs (half the bytes for plain decimals); unpacked where measured. */
export type TPackedColumn =
  | { name: string; kind: "numerical"; reference: TNumberRun[]; current: TNumberRun[]; referenceLength: number; currentLength: number }
  | Extract<TPreparedColumn, { kind: "categorical" }>;
export type TMeasureTask = { kind: "measure"; column: TPackedColumn; options: TDriftOptions };
export type TMeasureOutcome = { ok: true; feature: TFeatureDrift } | { ok: false; message: string };

/** Bytes read per system call; a line longer than this grows the buffer. */
const READ_BYTES = 4 * 1024 * 1024;
/** Kept for the thread's next range (one spare byte: a last line without a newline gets one); grown for a long line. */
let readBuffer = Buffer.allocUnsafe(READ_BYTES + 1);

function readRange(task: TParseTask, plan: TFastCsvPlan): FastCsvChunkReader {
  const reader = new FastCsvChunkReader(plan, task.expectedRows);
  const handle = fs.openSync(task.file, "r");
  try {
    let buffer = readBuffer;
    let carry = 0;
    let position = task.start;
    while (position < task.end || carry > 0) {
      const want = Math.min(buffer.length - 1 - carry, task.end - position);
      const bytes = want > 0 ? fs.readSync(handle, buffer, carry, want, position) : 0;
      position += bytes;
      let total = carry + bytes;
      if (total === 0) break;
      const atEnd = position >= task.end || bytes === 0;
      let usable: number;
      if (atEnd) {
        if (buffer[total - 1] !== 10) buffer[total++] = 10;
        usable = total;
      } else {
        usable = buffer.lastIndexOf(10, total - 1) + 1;
        if (usable === 0) {
          // No newline in a full buffer: a very long line.
          const grown = Buffer.allocUnsafe(2 * buffer.length);
          buffer.copy(grown, 0, 0, total);
          buffer = grown;
          readBuffer = grown;
          carry = total;
          continue;
        }
      }
      if (!reader.feed(buffer, 0, usable)) return reader;
      carry = total - usable;
      if (carry > 0) buffer.copyWithin(0, usable, total);
      if (atEnd) break;
    }
    return reader;
  } finally {
    fs.closeSync(handle);
  }
}

/** Reads a range; a numerical column that meets text is read again as categories. */
export function runParseTask(task: TParseTask): TParseOutcome {
  const plan: TFastCsvPlan = { fieldCount: task.plan.fieldCount, columns: task.plan.columns.map((column) => ({ ...column })) };
  for (;;) {
    const reader = readRange(task, plan);
    const problem = reader.problem;
    if (problem === null) return { ok: true, result: reader.finish(), plan };
    if (problem.kind !== "text") return { ok: false, problem };
    plan.columns[problem.column].categorical = true;
  }
}

/**
 * Doubles the columns are unpacked into, kept for the next column on this thread: the measures
 * sort them in place and keep nothing, and memory touched once is not paid for again.
 */
let referenceScratch = new Float64Array(0);
let currentScratch = new Float64Array(0);

const decimalRuns = (runs: TNumberRun[]) => runs.flatMap((run) => (run.kind === "decimal" ? [run] : []));

function unpacked(column: TPackedColumn, options: TDriftOptions): TPreparedColumn {
  if (column.kind === "categorical") return column;
  if (referenceScratch.length < column.referenceLength) referenceScratch = new Float64Array(column.referenceLength);
  if (currentScratch.length < column.currentLength) currentScratch = new Float64Array(column.currentLength);
  // A test that sees the values only sorted gets them sorted straight from the integers (no doubles made and sorted after).
  const reference = decimalRuns(column.reference);
  const current = decimalRuns(column.current);
  if (
    reference.length === column.reference.length &&
    current.length === column.current.length &&
    numericalTestSorts(column.name, column.referenceLength, options)
  ) {
    const sortedReference = countingSortDecimals(reference, referenceScratch);
    const sortedCurrent = sortedReference && countingSortDecimals(current, currentScratch);
    if (sortedReference && sortedCurrent)
      return { name: column.name, kind: "numerical", reference: sortedReference, current: sortedCurrent, sorted: true };
  }
  return {
    name: column.name,
    kind: "numerical",
    reference: unpackRuns(column.reference, referenceScratch),
    current: unpackRuns(column.current, currentScratch),
  };
}

/** The buffers of number runs, once each (for a transfer list). */
export function runBuffers(runs: TNumberRun[]): ArrayBuffer[] {
  return runs.map((run) => (run.kind === "double" ? run.values.buffer : run.digits.buffer) as ArrayBuffer);
}

export function runMeasureTask(task: TMeasureTask): TMeasureOutcome {
  try {
    return { ok: true, feature: featureDriftPrepared(unpacked(task.column, task.options), task.options) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/** The buffers a parse result can hand over without copying. */
export function transferables(outcome: TParseOutcome): ArrayBuffer[] {
  if (!outcome.ok) return [];
  const buffers = new Set<ArrayBuffer>();
  for (const column of outcome.result.columns)
    if (column.kind === "numerical") for (const buffer of runBuffers(column.runs)) buffers.add(buffer);
  return [...buffers];
}

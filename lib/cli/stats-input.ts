// Command-line options and collected CSV columns → the inputs of detectDrift, computeFairness and
// computePerformance, with every refusal an InputError that names the file, row and column.
import type { TColumn, TDriftTest } from "@/lib/stats/drift";
import { InputError, readNumber, type TCollectedColumn, type TColumnSpec, type TCsvTable } from "./csv-columns";

export const DRIFT_TESTS: readonly TDriftTest[] = ["ks", "psi", "wasserstein", "jensenshannon", "chisquare"];
const NUMERICAL_TESTS = new Set<TDriftTest>(["ks", "psi", "wasserstein"]);

const quote = (text: string) => JSON.stringify(text);

/** "a, b,c" → ["a", "b", "c"]; blanks dropped. */
export function splitList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** Repeated `FEATURE=VALUE` options → { FEATURE: VALUE }; a feature given twice is refused. */
export function parseAssignments(values: string[], option: string): Map<string, string> {
  const assignments = new Map<string, string>();
  for (const value of values) {
    const at = value.lastIndexOf("=");
    const name = at < 0 ? "" : value.slice(0, at).trim();
    const setting = at < 0 ? "" : value.slice(at + 1).trim();
    if (name === "" || setting === "") throw new InputError(`${option} ${quote(value)}: expected FEATURE=VALUE`);
    if (assignments.has(name)) throw new InputError(`${option} names ${quote(name)} twice`);
    assignments.set(name, setting);
  }
  return assignments;
}

export type TDriftSelection = {
  /** Compared columns, in the reference file's order. */
  names: string[];
  categorical: Set<string>;
  tests: Record<string, TDriftTest>;
  thresholds: Record<string, number>;
};

/**
 * Which columns drift compares and how: `--columns` (each in both files) or every column the two
 * headers share; `--categorical`, `--test` and `--threshold` must name compared columns.
 */
export function selectDriftColumns(input: {
  reference: { file: string; header: string[] };
  current: { file: string; header: string[] };
  columns?: string;
  categorical?: string;
  tests?: string[];
  thresholds?: string[];
}): TDriftSelection {
  const { reference, current } = input;
  const requested = splitList(input.columns);
  let names: string[];
  if (input.columns !== undefined) {
    if (requested.length === 0) throw new InputError("--columns names no column");
    for (const name of requested) {
      for (const side of [reference, current]) {
        if (!side.header.includes(name)) throw new InputError(`--columns: ${side.file} has no column ${quote(name)}`);
      }
    }
    names = [...new Set(requested)];
  } else {
    const inCurrent = new Set(current.header);
    // An unnamed column is a written-out row index (pandas' to_csv), not a feature.
    names = [...new Set(reference.header.filter((name) => name !== ""))];
    // A reference feature absent from production is a data failure, not a smaller comparison
    // (extra current columns, such as predictions or ids, are left alone).
    const missing = names.filter((name) => !inCurrent.has(name));
    if (missing.length > 0) {
      throw new InputError(
        `${current.file} has no column ${missing.map(quote).join(", ")} of ${reference.file}: a reference feature missing from the current data is a data failure (pass --columns to compare fewer features)`,
      );
    }
  }
  const compared = new Set(names);
  const known = (option: string, name: string) => {
    if (!compared.has(name))
      throw new InputError(`${option} names ${quote(name)}, which is not among the compared columns (${names.map(quote).join(", ")})`);
  };

  const categorical = new Set(splitList(input.categorical));
  for (const name of categorical) known("--categorical", name);

  const tests: Record<string, TDriftTest> = {};
  for (const [name, test] of parseAssignments(input.tests ?? [], "--test")) {
    known("--test", name);
    if (!(DRIFT_TESTS as readonly string[]).includes(test))
      throw new InputError(`--test ${name}=${test}: unknown test; use one of ${DRIFT_TESTS.join(", ")}`);
    if (categorical.has(name) && NUMERICAL_TESTS.has(test as TDriftTest)) {
      throw new InputError(`--test ${name}=${test}: ${quote(name)} is named in --categorical, and ${test} needs a numerical column`);
    }
    tests[name] = test as TDriftTest;
  }

  const thresholds: Record<string, number> = {};
  for (const [name, text] of parseAssignments(input.thresholds ?? [], "--threshold")) {
    known("--threshold", name);
    const value = readNumber(text);
    if (value === undefined || !Number.isFinite(value) || value < 0)
      throw new InputError(`--threshold ${name}=${text}: expected a number ≥ 0`);
    thresholds[name] = value;
  }
  return { names, categorical, tests, thresholds };
}

/** Drift reads every compared column as `auto`: its kind is known only once both files are read. */
export function driftColumnSpecs(selection: TDriftSelection): TColumnSpec[] {
  return selection.names.map((name) => ({ name, mode: "auto" }));
}

function hasValue(values: (number | string)[]): boolean {
  for (const value of values) if (typeof value === "number" ? !Number.isNaN(value) : value !== "") return true;
  return false;
}

function columnOrThrow(table: TCsvTable, name: string): TCollectedColumn {
  const column = table.columns.get(name);
  if (!column) throw new InputError(`${table.file} has no column ${quote(name)}`);
  return column;
}

/**
 * The columns for detectDrift. A column is categorical when it is named in --categorical or any
 * non-blank value in either file is not a number; a forced numerical test on such a column is
 * refused with the first offending value's row.
 */
export function buildDriftColumns(input: { reference: TCsvTable; current: TCsvTable; selection: TDriftSelection }): TColumn[] {
  const { reference, current, selection } = input;
  return selection.names.map((name) => {
    const referenceColumn = columnOrThrow(reference, name);
    const currentColumn = columnOrThrow(current, name);
    for (const [table, column] of [
      [reference, referenceColumn],
      [current, currentColumn],
    ] as const) {
      if (!hasValue(column.values)) throw new InputError(`${table.file}, column ${quote(name)}: every value is blank`);
    }
    const firstText = referenceColumn.firstText
      ? { file: reference.file, ...referenceColumn.firstText }
      : currentColumn.firstText
        ? { file: current.file, ...currentColumn.firstText }
        : null;
    const test = selection.tests[name];
    if (firstText && test !== undefined && NUMERICAL_TESTS.has(test)) {
      throw new InputError(
        `${firstText.file} row ${firstText.row}, column ${quote(name)}: ${quote(firstText.text)} is not a number, and --test ${name}=${test} needs numbers`,
      );
    }
    // Numbers in one file and text in the other is a broken value (an "n/a", a unit, a comma
    // decimal), not a categorical feature: reading it as categories would report drift on it.
    if (!selection.categorical.has(name) && (referenceColumn.firstText === null) !== (currentColumn.firstText === null)) {
      const [table, text] = referenceColumn.firstText ? [reference, referenceColumn.firstText] : [current, currentColumn.firstText!];
      const other = table === reference ? current : reference;
      throw new InputError(
        `${table.file} row ${text.row}, column ${quote(name)}: ${quote(text.text)} is not a number, and every value of ${quote(name)} in ${other.file} is; name the column in --categorical if its values are categories`,
      );
    }
    const kind = selection.categorical.has(name) || firstText !== null ? "categorical" : "numerical";
    return { name, kind, reference: referenceColumn.values, current: currentColumn.values };
  });
}

/** Which CSV columns `fairness` reads, from its options (defaults y_true, y_pred, y_score). */
export type TFairnessColumns = { group: string; label: string | null; prediction: string | null; score: string | null; threshold: number };

function thresholdOrThrow(text: string | undefined): number {
  if (text === undefined) return 0.5;
  const value = readNumber(text);
  if (value === undefined || !Number.isFinite(value) || value < 0 || value > 1)
    throw new InputError(`--threshold ${text}: expected a number in [0, 1]`);
  return value;
}

const binary = (what: string) => (value: number) => (value === 0 || value === 1 ? null : `${what} must be 0 or 1`);
const probability = (value: number) => (value >= 0 && value <= 1 ? null : "scores must lie in [0, 1]");

/**
 * Resolves fairness's columns against the header: --prediction (0/1) or --score (≥ threshold
 * predicts 1), not both; without either, y_pred if the file has it, else y_score. The label column
 * is optional: without --label and without a y_true column the report has no label metrics.
 */
export function selectFairnessColumns(
  header: string[],
  file: string,
  options: { group: string; label?: string; prediction?: string; score?: string; threshold?: string },
): TFairnessColumns {
  if (options.prediction !== undefined && options.score !== undefined) throw new InputError("give --prediction or --score, not both");
  const threshold = thresholdOrThrow(options.threshold);
  let prediction = options.prediction ?? null;
  let score = options.score ?? null;
  if (prediction === null && score === null) {
    if (header.includes("y_pred")) prediction = "y_pred";
    else if (header.includes("y_score")) score = "y_score";
    else throw new InputError(`${file} has neither a y_pred nor a y_score column: name one with --prediction or --score`);
  }
  if (prediction !== null && options.threshold !== undefined) {
    throw new InputError(
      `--threshold applies to scores, but the predictions come from column ${quote(prediction)}: pass --score to threshold a score column`,
    );
  }
  const label = options.label ?? (header.includes("y_true") ? "y_true" : null);
  return { group: options.group, label, prediction, score, threshold };
}

export function fairnessColumnSpecs(columns: TFairnessColumns): TColumnSpec[] {
  const specs: TColumnSpec[] = [{ name: columns.group, mode: "text", required: true }];
  if (columns.label !== null) specs.push({ name: columns.label, mode: "number", required: true, check: binary("labels") });
  if (columns.prediction !== null) specs.push({ name: columns.prediction, mode: "number", required: true, check: binary("predictions") });
  if (columns.score !== null) specs.push({ name: columns.score, mode: "number", required: true, check: probability });
  return specs;
}

/** Arguments of computeFairness from columns collected with fairnessColumnSpecs. */
export function buildFairnessInput(
  table: TCsvTable,
  columns: TFairnessColumns,
  privileged?: string,
): { groups: string[]; predictions: (0 | 1)[]; labels: (0 | 1)[] | null; privileged?: string } {
  const groups = columnOrThrow(table, columns.group).values as string[];
  const predictions =
    columns.prediction !== null
      ? (columnOrThrow(table, columns.prediction).values as (0 | 1)[])
      : (columnOrThrow(table, columns.score as string).values as number[]).map((score): 0 | 1 => (score >= columns.threshold ? 1 : 0));
  const labels = columns.label === null ? null : (columnOrThrow(table, columns.label).values as (0 | 1)[]);
  if (privileged !== undefined && !groups.includes(privileged)) {
    const known = [...new Set(groups)].sort();
    const shown = known.slice(0, 12).map(quote).join(", ") + (known.length > 12 ? ", …" : "");
    throw new InputError(`--privileged ${quote(privileged)} is not a value of column ${quote(columns.group)} (${shown})`);
  }
  return privileged === undefined ? { groups, predictions, labels } : { groups, predictions, labels, privileged };
}

export type TPerformanceColumns = { label: string; score: string; threshold: number };

export function selectPerformanceColumns(options: { label?: string; score?: string; threshold?: string }): TPerformanceColumns {
  return { label: options.label ?? "y_true", score: options.score ?? "y_score", threshold: thresholdOrThrow(options.threshold) };
}

export function performanceColumnSpecs(columns: TPerformanceColumns): TColumnSpec[] {
  return [
    { name: columns.label, mode: "number", required: true, check: binary("labels") },
    { name: columns.score, mode: "number", required: true, check: probability },
  ];
}

/** Arguments of computePerformance from columns collected with performanceColumnSpecs; ROC AUC needs both classes. */
export function buildPerformanceInput(
  table: TCsvTable,
  columns: TPerformanceColumns,
): { labels: number[]; scores: number[]; threshold: number } {
  const labels = columnOrThrow(table, columns.label).values as number[];
  const scores = columnOrThrow(table, columns.score).values as number[];
  let positives = 0;
  for (const label of labels) positives += label;
  if (positives === 0 || positives === labels.length) {
    throw new InputError(
      `${table.file}, column ${quote(columns.label)}: every label is ${labels[0]}; ROC AUC and average precision need both classes (0 and 1)`,
    );
  }
  return { labels, scores, threshold: columns.threshold };
}

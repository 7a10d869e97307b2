import type { Command } from "commander";
import { InputError } from "@/lib/cli/csv-columns";
import {
  buildDriftColumns,
  buildFairnessInput,
  buildPerformanceInput,
  DRIFT_TESTS,
  driftColumnSpecs,
  fairnessColumnSpecs,
  performanceColumnSpecs,
  selectDriftColumns,
  selectFairnessColumns,
  selectPerformanceColumns,
  type TDriftSelection,
} from "@/lib/cli/stats-input";
import {
  formatDriftReport,
  formatFairnessReport,
  formatPerformanceReport,
  toDriftJson,
  toFairnessJson,
  toPerformanceJson,
} from "@/lib/cli/stats-report";
import { detectDrift, type TColumn, type TDriftReport } from "@/lib/stats/drift";
import { computeFairness } from "@/lib/stats/fairness";
import { computePerformance } from "@/lib/stats/performance";
import { readCsvFileColumns, readCsvFileHeader } from "./csv-file";
import { fastDriftReport } from "./drift-fast";
import { CliError } from "./http";

const ROWS_HELP = "Rows in messages are counted as a spreadsheet does: the header is row 1.";
const collect = (value: string, previous: string[] = []) => [...previous, value];

export type TDriftOptions = {
  reference: string;
  current: string;
  columns?: string;
  categorical?: string;
  test?: string[];
  threshold?: string[];
  json?: boolean;
};
type TFairnessOptions = {
  data: string;
  group: string;
  label?: string;
  prediction?: string;
  score?: string;
  threshold?: string;
  privileged?: string;
  json?: boolean;
};
type TPerformanceOptions = { data: string; label?: string; score?: string; threshold?: string; json?: boolean };

/** Bad input exits 2 with its message; anything else stays an unexpected failure. */
async function asBadInput<T>(run: () => Promise<T> | T): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof InputError) throw new CliError(error.message, 2);
    throw error;
  }
}

/** Reads the two CSV files of the `drift` command into detectDrift's columns (parsing only). */
export async function readDriftColumns(options: Omit<TDriftOptions, "json">): Promise<{ columns: TColumn[]; selection: TDriftSelection }> {
  const selection = selectDriftColumns({
    reference: { file: options.reference, header: readCsvFileHeader(options.reference, "--reference") },
    current: { file: options.current, header: readCsvFileHeader(options.current, "--current") },
    columns: options.columns,
    categorical: options.categorical,
    tests: options.test,
    thresholds: options.threshold,
  });
  const specs = driftColumnSpecs(selection);
  // One file after the other: the second parse does not compete with the first for memory.
  const reference = await readCsvFileColumns(options.reference, "--reference", specs);
  const current = await readCsvFileColumns(options.current, "--current", specs);
  return { columns: buildDriftColumns({ reference, current, selection }), selection };
}

/** detectDrift with the selection's tests and thresholds; its refusals are bad input. */
export function detectDriftOrThrow(columns: TColumn[], selection: TDriftSelection): TDriftReport {
  try {
    return detectDrift(columns, { tests: selection.tests, thresholds: selection.thresholds });
  } catch (error) {
    // detectDrift refuses only its input (an empty column, a test that does not fit the column).
    throw new InputError(error instanceof Error ? error.message : String(error));
  }
}

/** `drift`, `fairness`, `performance`: model monitoring statistics from CSV files, offline. */
export function registerStatsCommands(program: Command): void {
  program
    .command("drift")
    .description("Per-feature drift between a reference and a current CSV file, and the dataset verdict (exit 1 when the dataset drifts)")
    .requiredOption("--reference <file.csv>", "reference data (e.g. the training set)")
    .requiredOption("--current <file.csv>", "current data (e.g. last week's inputs)")
    .option("--columns <a,b>", "columns to compare (default: every column of the reference, each required in the current file)")
    .option("--categorical <a,b>", "columns to treat as categories even when their values are numbers (codes, years)")
    .option("--test <feature=test>", `force a test for a feature: ${DRIFT_TESTS.join(", ")} (repeatable)`, collect)
    .option(
      "--threshold <feature=value>",
      "drift threshold for a feature: a p-value for ks/chisquare, a distance otherwise (repeatable)",
      collect,
    )
    .option("--json", "print one JSON object")
    .addHelpText(
      "after",
      [
        "",
        "A column is categorical when it is named in --categorical or values in both files are not numbers; text in a",
        "column that is numeric in the other file is bad input (exit 2), as is a reference column missing from the current file.",
        "Default tests and thresholds are Evidently's: up to 1000 reference rows ks (p < 0.05) for numbers and",
        "chisquare (p < 0.05) for categories or ≤ 5 distinct values; above that normed Wasserstein (≥ 0.1) and",
        "Jensen–Shannon (≥ 0.1). The dataset drifts when at least half of the features drift.",
        "Exit codes: 0 no dataset drift, 1 dataset drift, 2 bad input.",
        ROWS_HELP,
      ].join("\n"),
    )
    .action(async (options: TDriftOptions) => {
      const report = await asBadInput(async () => {
        // Bytes and threads when the files allow (drift-fast.ts); the general reader otherwise, same report.
        const fast = await fastDriftReport(options);
        if (fast !== null) return fast;
        const { columns, selection } = await readDriftColumns(options);
        return detectDriftOrThrow(columns, selection);
      });
      console.log(options.json ? JSON.stringify(toDriftJson(report), null, 2) : formatDriftReport(report));
      // exitCode rather than exit(): stdout is flushed first when it is a pipe.
      process.exitCode = report.datasetDrift ? 1 : 0;
    });

  program
    .command("fairness")
    .description("Per-group selection rate, TPR, FPR and accuracy, and the fairness summary metrics (fairlearn definitions)")
    .requiredOption("--data <file.csv>", "one row per prediction")
    .requiredOption("--group <column>", "the sensitive attribute")
    .option("--label <column>", "true outcome, 0/1 (default y_true when the file has it; without labels only selection rates)")
    .option("--prediction <column>", "predicted class, 0/1 (default y_pred when the file has it)")
    .option("--score <column>", "score in [0, 1], thresholded (default y_score when there is no y_pred)")
    .option("--threshold <t>", "a score ≥ t predicts 1 (default 0.5)")
    .option("--privileged <value>", "the privileged group for the disparate impact ratio (default: min over max selection rate)")
    .option("--json", "print one JSON object")
    .addHelpText("after", `\nExit codes: 0 done, 2 bad input.\n${ROWS_HELP}`)
    .action(async (options: TFairnessOptions) => {
      const { report, columns } = await asBadInput(async () => {
        const columns = selectFairnessColumns(readCsvFileHeader(options.data, "--data"), options.data, options);
        const table = await readCsvFileColumns(options.data, "--data", fairnessColumnSpecs(columns));
        return { report: computeFairness(buildFairnessInput(table, columns, options.privileged)), columns };
      });
      console.log(
        options.json
          ? JSON.stringify(toFairnessJson(report), null, 2)
          : formatFairnessReport(report, { group: columns.group, privileged: options.privileged }),
      );
    });

  program
    .command("performance")
    .description("ROC AUC, average precision, Brier score, log loss, accuracy, precision, recall, F1 and ECE (scikit-learn definitions)")
    .requiredOption("--data <file.csv>", "one row per prediction")
    .option("--label <column>", "true outcome, 0/1 (default y_true)")
    .option("--score <column>", "score in [0, 1] (default y_score)")
    .option("--threshold <t>", "a score ≥ t predicts 1 for accuracy, precision, recall and F1 (default 0.5)")
    .option("--json", "print one JSON object")
    .addHelpText("after", `\nExit codes: 0 done, 2 bad input.\n${ROWS_HELP}`)
    .action(async (options: TPerformanceOptions) => {
      const { performance, rows, threshold } = await asBadInput(async () => {
        const columns = selectPerformanceColumns(options);
        const table = await readCsvFileColumns(options.data, "--data", performanceColumnSpecs(columns));
        const input = buildPerformanceInput(table, columns);
        return { performance: computePerformance(input), rows: table.rowCount, threshold: input.threshold };
      });
      console.log(
        options.json ? JSON.stringify(toPerformanceJson(performance), null, 2) : formatPerformanceReport(performance, { rows, threshold }),
      );
    });
}

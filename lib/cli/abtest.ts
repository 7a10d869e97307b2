// The `abtest` command's input and output: an arm column and a value column of one CSV file → the
// A/B test of lib/stats/abtest.ts, with every refusal an InputError naming the file, column and row.
import { compareArms } from "@/lib/stats/abtest-arms";
import { InputError, type TColumnSpec, type TCsvTable } from "./csv-columns";
import { formatStatistic, formatTable } from "./stats-report";

export type TAbtestColumns = { arm: string; value: string; control?: string };
type TAbtestTest = "welch" | "two-proportion-z";
export type TAbtestJson = {
  arms: { arm: string; n: number; mean: number; variance: number }[];
  difference: number;
  ciLow: number | null;
  ciHigh: number | null;
  pValue: number | null;
  alwaysValidPValue: number;
  test: TAbtestTest;
  /** Only when pValue is null: why the test is undefined. */
  reason?: string;
};

const quote = (text: string) => JSON.stringify(text);

export function abtestColumnSpecs(columns: TAbtestColumns): TColumnSpec[] {
  if (columns.arm === columns.value) throw new InputError(`--arm and --value both name column ${quote(columns.arm)}`);
  const finite = (value: number) => (Number.isFinite(value) ? null : "values must be finite numbers");
  return [
    { name: columns.arm, mode: "text", required: true },
    { name: columns.value, mode: "number", required: true, check: finite },
  ];
}

/**
 * The A/B test of a table collected with abtestColumnSpecs: exactly two arms (the control is --control,
 * else the arm of the first data row), each with at least 2 values; the two-proportion z-test when every
 * value is 0 or 1, Welch's t-test otherwise; the always-valid p-value looks after every row in file order.
 */
export function computeAbtest(table: TCsvTable, columns: TAbtestColumns): TAbtestJson {
  const arms = table.columns.get(columns.arm)?.values as string[] | undefined;
  const values = table.columns.get(columns.value)?.values as number[] | undefined;
  if (arms === undefined || values === undefined)
    throw new InputError(`${table.file} has no column ${quote(columns.arm)} or ${quote(columns.value)}`);
  const names = [...new Set(arms)];
  if (columns.control !== undefined && !names.includes(columns.control)) {
    throw new InputError(
      `--control ${quote(columns.control)} is not a value of column ${quote(columns.arm)} (${names.slice(0, 12).map(quote).join(", ")})`,
    );
  }
  if (names.length !== 2) {
    const shown = names.slice(0, 12).map(quote).join(", ") + (names.length > 12 ? ", …" : "");
    throw new InputError(
      `${table.file}, column ${quote(columns.arm)}: an A/B test needs exactly two arms, found ${names.length} (${shown}); filter the file to two arms`,
    );
  }
  const controlName = columns.control ?? names[0];
  const treatmentName = names[0] === controlName ? names[1] : names[0];
  const { control, treatment, result, alwaysValidPValue, test } = compareArms(arms, values, controlName, treatmentName);
  for (const [name, summary] of [
    [controlName, control],
    [treatmentName, treatment],
  ] as const) {
    if (summary.n < 2)
      throw new InputError(
        `${table.file}, column ${quote(columns.arm)}: arm ${quote(name)} has ${summary.n} value; each arm needs at least 2`,
      );
  }

  const json: TAbtestJson = {
    arms: [
      { arm: controlName, ...control },
      { arm: treatmentName, ...treatment },
    ],
    difference: result.difference,
    ciLow: result.ciLow,
    ciHigh: result.ciHigh,
    pValue: result.pValue,
    alwaysValidPValue,
    test,
  };
  if (result.reason !== undefined && result.pValue === null) json.reason = result.reason;
  return json;
}

/** The report for people: the arms' table, then the difference, its interval and both p-values. */
export function formatAbtestReport(report: TAbtestJson): string {
  const rows = report.arms.map((arm, index) => [
    arm.arm,
    index === 0 ? "control" : "treatment",
    String(arm.n),
    formatStatistic(arm.mean),
    formatStatistic(arm.variance),
  ]);
  const testName = report.test === "welch" ? "Welch's t-test" : "two-proportion z-test";
  const [control, treatment] = report.arms;
  return [
    formatTable(["ARM", "ROLE", "N", "MEAN", "VARIANCE"], rows, [false, false, true, true, true]),
    "",
    `Difference (${treatment.arm} − ${control.arm}): ${formatStatistic(report.difference)}, 95% CI [${formatStatistic(report.ciLow)}, ${formatStatistic(report.ciHigh)}]`,
    `p-value (${testName}, fixed horizon): ${formatStatistic(report.pValue)}${report.reason ? ` (${report.reason})` : ""}`,
    `Always-valid p-value (mSPRT, a look after every row): ${formatStatistic(report.alwaysValidPValue)}`,
  ].join("\n");
}

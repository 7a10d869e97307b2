// Two arms' values in arrival order → the A/B test of abtest.ts. The `abtest` CLI (lib/cli/abtest.ts)
// and the version page's A/B panel both call compareArms, so they agree on the same data.
import { alwaysValidPValueOfArms, summarizeArm, twoProportionZTest, welchTTest, type TArmSummary, type TDifferenceTest } from "./abtest";

export type TArmComparison = {
  control: TArmSummary;
  treatment: TArmSummary;
  result: TDifferenceTest;
  alwaysValidPValue: number;
  test: "welch" | "two-proportion-z";
};

/** Running summaries of both arms after each value, in order: every value is a look (an Iterable, not an array of a million looks). */
function* runningLooks(arms: readonly string[], values: readonly number[], treatmentName: string) {
  const sums = { treatment: { n: 0, mean: 0, squares: 0 }, control: { n: 0, mean: 0, squares: 0 } };
  const summary = (state: { n: number; mean: number; squares: number }): TArmSummary => ({
    n: state.n,
    mean: state.mean,
    variance: state.n < 2 ? Number.NaN : state.squares / (state.n - 1),
  });
  for (let row = 0; row < values.length; row += 1) {
    const state = arms[row] === treatmentName ? sums.treatment : sums.control;
    // Welford's update, as summarizeArm.
    state.n += 1;
    const delta = values[row] - state.mean;
    state.mean += delta / state.n;
    state.squares += delta * (values[row] - state.mean);
    yield { treatment: summary(sums.treatment), control: summary(sums.control) };
  }
}

/**
 * Treatment − control on values labelled by arm, in arrival order: values all 0/1 → the
 * two-proportion z-test, else Welch's t-test; the always-valid p-value looks after every value.
 * Every value's arm must be `controlName` or `treatmentName`.
 */
export function compareArms(
  arms: readonly string[],
  values: readonly number[],
  controlName: string,
  treatmentName: string,
): TArmComparison {
  const valuesOf = (name: string) => values.filter((_, row) => arms[row] === name);
  const control = summarizeArm(valuesOf(controlName));
  const treatment = summarizeArm(valuesOf(treatmentName));
  const binary = values.every((value) => value === 0 || value === 1);
  const successesOf = (name: string) => valuesOf(name).filter((value) => value === 1).length;
  const result: TDifferenceTest = binary
    ? twoProportionZTest({ successes: successesOf(treatmentName), n: treatment.n }, { successes: successesOf(controlName), n: control.n })
    : welchTTest(treatment, control);
  return {
    control,
    treatment,
    result,
    alwaysValidPValue: alwaysValidPValueOfArms(runningLooks(arms, values, treatmentName)),
    test: binary ? "two-proportion-z" : "welch",
  };
}

/** What the version page's A/B panel shows: null while either arm has fewer than 2 values (the CLI's minimum too). */
export function armPanel(rows: ReadonlyArray<{ arm: "control" | "treatment"; value: number }>): TArmComparison | null {
  const arms = rows.map((row) => row.arm);
  const values = rows.map((row) => row.value);
  const comparison = compareArms(arms, values, "control", "treatment");
  return comparison.control.n < 2 || comparison.treatment.n < 2 ? null : comparison;
}

/**
 * Advice on the business value, never an action: the always-valid p-value may be read at every
 * look, so "recommend promotion" once it is below alpha with the challenger ahead, "hold" once it
 * is below alpha with the challenger behind, else "keep collecting".
 */
export function armAdvice(comparison: Pick<TArmComparison, "alwaysValidPValue" | "result">, alpha = 0.05) {
  if (comparison.alwaysValidPValue >= alpha) return "keep collecting" as const;
  return comparison.result.difference > 0 ? ("recommend promotion" as const) : ("hold" as const);
}

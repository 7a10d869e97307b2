// The real CLI as a child process (`node --import tsx scripts/cli.ts abtest …`) on small CSV files in a
// temp dir: the JSON of a Welch and of a two-proportion test, the text report, exit codes and the
// message of each kind of bad input. No database.
//
// Expected values: Python 3.11 with scipy 1.17.1 / numpy 2.4 (Welch, msprt below) and statsmodels 0.13.5 (Debian
// python3-statsmodels, the proportions), on data Python rebuilds from the same formulas:
//   def msprt(arms, values, treatment):
//       # Johari et al. 2017: Λ = sqrt(V/(V + nτ²)) exp(n²τ²θ̂²/(2V(V + nτ²))), written with s2 = V/n = Var(θ̂);
//       # a look after every row once each arm has 30 values, τ² = 0.01 (s_t² + s_c²); p = min over looks of 1/Λ
//       p = 1.0
//       for k in range(1, len(values) + 1):
//           t = [v for a, v in zip(arms[:k], values[:k]) if a == treatment]
//           c = [v for a, v in zip(arms[:k], values[:k]) if a != treatment]
//           if len(t) < 30 or len(c) < 30: continue
//           vt, vc = np.var(t, ddof=1), np.var(c, ddof=1)
//           s2 = vt / len(t) + vc / len(c); tau2 = 0.01 * (vt + vc); theta = np.mean(t) - np.mean(c)
//           p = min(p, 1 / (math.sqrt(s2 / (s2 + tau2)) * math.exp(tau2 * theta**2 / (2 * s2 * (s2 + tau2)))))
//       return p
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, writeCsv as writeCsvIn } from "./testing/cli-process";

let dir = "";

const cli = (...args: string[]) => runCli(["abtest", ...args]);
const writeCsv = (name: string, header: string[], rows: (string | number)[][]) => writeCsvIn(dir, name, header, rows);

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** |actual − expected| ≤ 1e-10 · max(1, |expected|): the CLI's running (Welford) variances against numpy's two-pass ones. */
function expectClose(actual: unknown, expected: number) {
  expect(typeof actual).toBe("number");
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(expected)));
}

// Python: arms = ["A" if i % 2 == 0 else "B" for i in range(120)]
//         values = [(i * 7919 % 101) / 10 + (2.5 if arms[i] == "B" else 0) for i in range(120)]
const revenueRows = range(120).map((i) => {
  const arm = i % 2 === 0 ? "A" : "B";
  return [i, arm, ((i * 7919) % 101) / 10 + (arm === "B" ? 2.5 : 0)];
});
// Python: arms = ["control" if i % 2 == 0 else "treatment" for i in range(400)]
//         values = [1 if (i * 7919 % 97) < (30 if arms[i] == "control" else 45) else 0 for i in range(400)]
const conversionRows = range(400).map((i) => {
  const arm = i % 2 === 0 ? "control" : "treatment";
  return [arm, (i * 7919) % 97 < (arm === "control" ? 30 : 45) ? 1 : 0];
});

const files: Record<string, string> = {};

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "oversight-cli-abtest-"));
  files.revenue = writeCsv("revenue.csv", ["id", "arm", "revenue"], revenueRows);
  files.conversion = writeCsv("conversion.csv", ["variant", "converted"], conversionRows);
  files.threeArms = writeCsv("three.csv", ["arm", "revenue"], [...revenueRows.map((row) => [row[1], row[2]]), ["C", 1]]);
  files.oneArm = writeCsv(
    "one.csv",
    ["arm", "revenue"],
    [
      ["A", 1],
      ["A", 2],
    ],
  );
  files.text = writeCsv(
    "text.csv",
    ["arm", "revenue"],
    [
      ["A", 1],
      ["B", "12 USD"],
    ],
  );
  files.lonely = writeCsv(
    "lonely.csv",
    ["arm", "revenue"],
    [
      ["A", 1],
      ["A", 2],
      ["B", 3],
    ],
  );
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("abtest", () => {
  it("continuous values: Welch's t-test as scipy, the always-valid p-value as the mSPRT formula", async () => {
    const run = await cli("--data", files.revenue, "--arm", "arm", "--value", "revenue", "--json");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(Object.keys(report)).toEqual(["arms", "difference", "ciLow", "ciHigh", "pValue", "alwaysValidPValue", "test"]);
    expect(report.test).toBe("welch");
    // The control is the arm of the first row (A). np.mean / np.var(ddof=1) of each arm:
    expect(report.arms.map((arm: { arm: string; n: number }) => [arm.arm, arm.n])).toEqual([
      ["A", 60],
      ["B", 60],
    ]);
    expectClose(report.arms[0].mean, 5.054999999999999);
    expectClose(report.arms[0].variance, 8.92929661016949);
    expectClose(report.arms[1].mean, 7.278333333333333);
    expectClose(report.arms[1].variance, 8.427149717514125);
    // r = stats.ttest_ind(b, a, equal_var=False); ci = r.confidence_interval(0.95)
    expectClose(report.difference, 2.2233333333333345);
    expectClose(report.ciLow, 1.1582503480207145);
    expectClose(report.ciHigh, 3.2884163186459547);
    expectClose(report.pValue, 6.709038436930549e-5);
    // msprt(arms, values, "B")
    expectClose(report.alwaysValidPValue, 0.04196114805964041);
  });

  it("--control turns the difference around", async () => {
    const run = await cli("--data", files.revenue, "--arm", "arm", "--value", "revenue", "--control", "B", "--json");
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.arms[0].arm).toBe("B");
    expectClose(report.difference, -2.2233333333333345);
    expectClose(report.ciLow, -3.2884163186459547);
    expectClose(report.pValue, 6.709038436930549e-5);
    expectClose(report.alwaysValidPValue, 0.04196114805964041);
  });

  it("0/1 values: the two-proportion z-test", async () => {
    const run = await cli("--data", files.conversion, "--arm", "variant", "--value", "converted", "--json");
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.test).toBe("two-proportion-z");
    expect(report.arms.map((arm: { arm: string; n: number }) => [arm.arm, arm.n])).toEqual([
      ["control", 200],
      ["treatment", 200],
    ]);
    expectClose(report.arms[0].mean, 63 / 200);
    expectClose(report.arms[1].mean, 92 / 200);
    // statsmodels 0.13.5: proportions_ztest([92, 63], [200, 200]); confint_proportions_2indep(92, 200, 63, 200, method="wald", compare="diff")
    expectClose(report.difference, 0.14500000000000002);
    expectClose(report.ciLow, 0.05057783236718995);
    expectClose(report.ciHigh, 0.2394221676328101);
    expectClose(report.pValue, 0.0029173367438363545);
    // msprt(arms, values, "treatment")
    expectClose(report.alwaysValidPValue, 0.06364551277285939);
  });

  it("prints a table for people", async () => {
    const run = await cli("--data", files.revenue, "--arm", "arm", "--value", "revenue");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Difference (B − A): 2.223, 95% CI [1.158, 3.288]");
    expect(run.stdout).toContain("p-value (Welch's t-test, fixed horizon): 6.709e-5");
    expect(run.stdout).toContain("Always-valid p-value (mSPRT, a look after every row): 0.04196");
  });

  it.each([
    [["--data", "missing.csv", "--arm", "arm", "--value", "revenue"], /--data: no file missing\.csv/],
    [["--arm", "arm", "--value", "price"], /has no column "price"/],
    [["--arm", "arm", "--value", "arm"], /--arm and --value both name column "arm"/],
    [["--arm", "arm", "--value", "revenue", "--control", "Z"], /--control "Z" is not a value of column "arm"/],
  ])("bad input %j exits 2: %s", async (args, message) => {
    const run = await cli(...(args.includes("--data") ? args : ["--data", files.revenue, ...args]));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe("");
  });

  it.each([
    ["threeArms", /needs exactly two arms, found 3 \("A", "B", "C"\)/],
    ["oneArm", /needs exactly two arms, found 1/],
    ["text", /text\.csv row 3, column "revenue": "12 USD" is not a number/],
    ["lonely", /arm "B" has 1 value; each arm needs at least 2/],
  ])("bad file %s exits 2 naming the problem", async (name, message) => {
    const run = await cli("--data", files[name], "--arm", "arm", "--value", "revenue");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

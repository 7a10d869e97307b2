// The real CLI as a child process (`node --import tsx scripts/cli.ts drift|fairness|performance …`)
// on small CSV files in a temp dir: JSON shape and values, exit codes, and the message of each
// kind of bad input. No database.
//
// Expected values were printed by scipy 1.10.1 / numpy 1.24.2 / scikit-learn 1.2.1 (Debian
// python3-* packages) with the call named beside each, on data Python rebuilds bit for bit from
// the same formulas (the CSV text is the shortest round-trip form of each double, so both sides
// read the same values).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, writeCsv as writeCsvIn } from "./testing/cli-process";

let dir = "";

const cli = (...args: string[]) => runCli([...args]);
const writeCsv = (name: string, header: string[], rows: (string | number)[][]) => writeCsvIn(dir, name, header, rows);

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** |actual − expected| ≤ 1e-12 · max(1, |expected|). */
function expectClose(actual: unknown, expected: number) {
  expect(typeof actual).toBe("number");
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
}

// Python:
//   ref = dict(x=[((i*37)%101)/10 for i in range(200)], y=[((i*53)%97)/10 …], w=[((i*13)%31)/4 …], c=["abc"[(i*7)%3] …])
//   cur = dict(x=[((i*41)%103)/10+2 for i in range(150)], y=[((i*59)%89)/10 …], w=[((i*17)%29)/4+0.25 …], c=["abcc"[(i*5)%4] …])
const referenceRows = range(200).map((i) => [((i * 37) % 101) / 10, ((i * 53) % 97) / 10, ((i * 13) % 31) / 4, "abc"[(i * 7) % 3]]);
const currentRows = range(150).map((i) => [
  ((i * 41) % 103) / 10 + 2,
  ((i * 59) % 89) / 10,
  ((i * 17) % 29) / 4 + 0.25,
  "abcc"[(i * 5) % 4],
]);

// Python: g = ["abbccc"[(i*7 + i//4)%6] …], y_true = [1 if (i*3 + i//5)%5 < 2 else 0 …], y_score = [((i*11 + i//3)%20)/20 + 0.025 …], i < 60
const fairnessRows = range(60).map((i) => {
  const score = ((i * 11 + Math.floor(i / 3)) % 20) / 20 + 0.025;
  return ["abbccc"[(i * 7 + Math.floor(i / 4)) % 6], (i * 3 + Math.floor(i / 5)) % 5 < 2 ? 1 : 0, score >= 0.5 ? 1 : 0, score];
});

// Python: s = [((i*13)%41)/40 …], y = [1 if ((i*13)%41 + (i*5)%17) > 28 else 0 …], i < 80 (scores 0 and 1 included)
const performanceRows = range(80).map((i) => [((i * 13) % 41) + ((i * 5) % 17) > 28 ? 1 : 0, ((i * 13) % 41) / 40]);

const files: Record<string, string> = {};

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "oversight-cli-stats-"));
  files.reference = writeCsv("reference.csv", ["x", "y", "w", "c"], referenceRows);
  files.current = writeCsv("current.csv", ["x", "y", "w", "c"], currentRows);
  files.predictions = writeCsv("predictions.csv", ["group", "y_true", "y_pred", "y_score"], fairnessRows);
  files.scores = writeCsv("scores.csv", ["y_true", "y_score"], performanceRows);
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("drift", () => {
  it("finds the shifted columns and exits 1 on dataset drift (default tests: ks, chi-square)", async () => {
    const run = await cli("drift", "--reference", files.reference, "--current", files.current, "--json");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout);
    expect(Object.keys(json)).toEqual(["features", "driftedShare", "datasetDrift"]);
    for (const feature of json.features)
      expect(Object.keys(feature)).toEqual(["name", "kind", "test", "statistic", "pValue", "threshold", "drifted"]);
    expect(
      json.features.map((feature: { name: string; kind: string; test: string; threshold: number; drifted: boolean }) => [
        feature.name,
        feature.kind,
        feature.test,
        feature.threshold,
        feature.drifted,
      ]),
    ).toEqual([
      ["x", "numerical", "ks", 0.05, true],
      ["y", "numerical", "ks", 0.05, false],
      ["w", "numerical", "ks", 0.05, false],
      ["c", "categorical", "chisquare", 0.05, true],
    ]);
    // scipy.stats.ks_2samp(ref[k], cur[k]) -> (statistic, pvalue), method='auto' (exact here)
    const expected: [number, number][] = [
      [0.24333333333333335, 6.285572749827188e-5],
      [0.08, 0.617807660042271],
      [0.035, 0.9998485326793876],
      // scipy.stats.chisquare(cur_counts, ref_counts / 200 * 150), categories a, b, c
      [18.098899442183026, 0.00011745565250744726],
    ];
    json.features.forEach((feature: { statistic: number; pValue: number }, i: number) => {
      expectClose(feature.statistic, expected[i][0]);
      expect(Math.abs(feature.pValue - expected[i][1])).toBeLessThanOrEqual(1e-10 * expected[i][1]);
    });
    expect(json.driftedShare).toBe(0.5);
    expect(json.datasetDrift).toBe(true);
  });

  it("takes forced tests and thresholds (psi, normed Wasserstein, Jensen–Shannon) and exits 0 without dataset drift", async () => {
    const run = await cli(
      "drift",
      "--reference",
      files.reference,
      "--current",
      files.current,
      "--json",
      "--test",
      "x=psi",
      "--test",
      "y=wasserstein",
      "--test",
      "w=jensenshannon",
      "--test",
      "c=jensenshannon",
      "--threshold",
      "y=0.2",
      "--threshold",
      "c=0.2",
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    // [name, test, statistic, threshold, drifted]; pValue is null for distances.
    const expected: [string, string, number, number, boolean][] = [
      // psi: edges = np.unique(np.quantile(ref, np.arange(1, 10) / 10)); shares of np.searchsorted(edges, v, side="right"),
      // floored at 1e-4; np.sum((cur - ref) * np.log(cur / ref))
      ["x", "psi", 1.6977040525452296, 0.1, true],
      // scipy.stats.wasserstein_distance(ref["y"], cur["y"]) / np.std(ref["y"])
      ["y", "wasserstein", 0.09400377167891937, 0.2, false],
      // e = np.histogram_bin_edges(np.concatenate([ref["w"], cur["w"]]), bins="sturges");
      // scipy.spatial.distance.jensenshannon(np.histogram(ref["w"], e)[0] / 200, np.histogram(cur["w"], e)[0] / 150)
      ["w", "jensenshannon", 0.04847648532639358, 0.1, false],
      // scipy.spatial.distance.jensenshannon(ref_counts / 200, cur_counts / 150)
      ["c", "jensenshannon", 0.11764758433789099, 0.2, false],
    ];
    expected.forEach(([name, test, statistic, threshold, drifted], i) => {
      const feature = json.features[i];
      expect([feature.name, feature.test, feature.pValue, feature.threshold, feature.drifted]).toEqual([
        name,
        test,
        null,
        threshold,
        drifted,
      ]);
      expectClose(feature.statistic, statistic);
    });
    expect(json.driftedShare).toBe(0.25);
    expect(json.datasetDrift).toBe(false);
  });

  it("exits 0 for identical files: statistic 0, p-value 1", async () => {
    const run = await cli("drift", "--reference", files.reference, "--current", files.reference, "--json");
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    // scipy.stats.ks_2samp(ref[k], ref[k]) -> (0.0, 1.0); scipy.stats.chisquare(ref_counts, ref_counts) -> (0.0, 1.0)
    expect(
      json.features.map((feature: { statistic: number; pValue: number; drifted: boolean }) => [
        feature.statistic,
        feature.pValue,
        feature.drifted,
      ]),
    ).toEqual([
      [0, 1, false],
      [0, 1, false],
      [0, 1, false],
      [0, 1, false],
    ]);
    expect(json).toMatchObject({ driftedShare: 0, datasetDrift: false });
  });

  it("prints an aligned table without --json", async () => {
    const run = await cli("drift", "--reference", files.reference, "--current", files.current, "--columns", "x,c");
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("FEATURE  KIND         TEST       STATISTIC   P-VALUE  THRESHOLD  DRIFTED\n");
    expect(run.stdout).toContain("x        numerical    ks            0.2433  6.286e-5       0.05  DRIFT\n");
    expect(run.stdout).toContain("Dataset drift: YES (2 of 2 features drifted, 100.0%; the dataset drifts from 50.0%)");
  });
});

describe("fairness", () => {
  // Per group k (sorted): m = group == k; sklearn.metrics.confusion_matrix(y_true[m], y_pred[m], labels=[0, 1]);
  // selectionRate = y_pred[m].mean(), tpr = recall_score, fpr = fp / (fp + tn), accuracy = accuracy_score.
  // Summary as fairlearn defines it: max − min over groups; ratio min / max; equalized odds = max of the tpr and fpr gaps.
  it("reports the per-group table and the summary metrics from the y_pred column", async () => {
    const run = await cli("fairness", "--data", files.predictions, "--group", "group", "--json");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(Object.keys(json)).toEqual([
      "groups",
      "demographicParityDifference",
      "demographicParityRatio",
      "equalizedOddsDifference",
      "equalOpportunityDifference",
      "disparateImpactRatio",
    ]);
    const expectedGroups = [
      { group: "a", count: 11, selectionRate: 0.45454545454545453, tpr: 0.75, fpr: 0.2857142857142857, accuracy: 0.7272727272727273 },
      { group: "b", count: 21, selectionRate: 0.5238095238095238, tpr: 0.2222222222222222, fpr: 0.75, accuracy: 0.23809523809523808 },
      { group: "c", count: 28, selectionRate: 0.5, tpr: 0.45454545454545453, fpr: 0.5294117647058824, accuracy: 0.4642857142857143 },
    ];
    expect(json.groups.map((group: object) => Object.keys(group))).toEqual(
      expectedGroups.map(() => ["group", "count", "selectionRate", "tpr", "fpr", "accuracy"]),
    );
    json.groups.forEach((group: Record<string, number | string>, i: number) => {
      expect([group.group, group.count]).toEqual([expectedGroups[i].group, expectedGroups[i].count]);
      for (const key of ["selectionRate", "tpr", "fpr", "accuracy"] as const) expectClose(group[key], expectedGroups[i][key]);
    });
    expectClose(json.demographicParityDifference, 0.0692640692640693);
    expectClose(json.demographicParityRatio, 0.8677685950413222);
    expectClose(json.equalizedOddsDifference, 0.5277777777777778);
    expectClose(json.equalOpportunityDifference, 0.5277777777777778);
    expectClose(json.disparateImpactRatio, 0.8677685950413222);
  });

  it("thresholds a score column and takes a privileged group", async () => {
    const run = await cli(
      "fairness",
      "--data",
      files.predictions,
      "--group",
      "group",
      "--score",
      "y_score",
      "--threshold",
      "0.6",
      "--privileged",
      "b",
      "--json",
    );
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    // y_pred = (y_score >= 0.6); disparate impact = min(selection of a, c) / selection of b
    const expected = [
      [0.36363636363636365, 0.75, 0.14285714285714285, 0.8181818181818182],
      [0.38095238095238093, 0.2222222222222222, 0.5, 0.38095238095238093],
      [0.42857142857142855, 0.2727272727272727, 0.5294117647058824, 0.39285714285714285],
    ];
    json.groups.forEach((group: Record<string, number>, i: number) => {
      [group.selectionRate, group.tpr, group.fpr, group.accuracy].forEach((value, k) => expectClose(value, expected[i][k]));
    });
    expectClose(json.demographicParityDifference, 0.0649350649350649);
    expectClose(json.demographicParityRatio, 0.8484848484848485);
    expectClose(json.equalizedOddsDifference, 0.5277777777777778);
    expectClose(json.equalOpportunityDifference, 0.5277777777777778);
    expectClose(json.disparateImpactRatio, 0.9545454545454546);
  });
});

describe("performance", () => {
  it("reports scikit-learn's metrics", async () => {
    const run = await cli("performance", "--data", files.scores, "--json");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(Object.keys(json)).toEqual(["rocAuc", "averagePrecision", "brier", "logLoss", "accuracy", "precision", "recall", "f1", "ece"]);
    // sklearn.metrics: roc_auc_score(y, s), average_precision_score(y, s), brier_score_loss(y, s), log_loss(y, s) (eps 1e-15),
    // accuracy_score / precision_score / recall_score / f1_score(y, s >= 0.5);
    // ece: b = np.minimum(np.floor(s * 10), 9); Σ_b (n_b / n) · |mean(y[b]) − mean(s[b])|
    const expected = {
      rocAuc: 0.9649781113195747,
      averagePrecision: 0.9666863464716775,
      brier: 0.09867968750000002,
      logLoss: 0.3336590906228521,
      accuracy: 0.875,
      precision: 0.8536585365853658,
      recall: 0.8974358974358975,
      f1: 0.875,
      ece: 0.12406250000000003,
    };
    for (const [key, value] of Object.entries(expected)) expectClose(json[key], value);
  });

  it("prints a table without --json", async () => {
    const run = await cli("performance", "--data", files.scores);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("ROC AUC              0.965\n");
    expect(run.stdout).toContain("80 rows; a score ≥ 0.5 predicts 1.");
  });
});

// Each case is its own CLI process; they run side by side.
describe.concurrent("bad input exits 2 with a message naming the problem", () => {
  const cases: [string, () => string[], RegExp][] = [
    [
      "a missing file",
      () => ["drift", "--reference", path.join(dir, "nope.csv"), "--current", files.current],
      /--reference: no file .*nope\.csv/,
    ],
    [
      "a missing --columns column",
      () => ["drift", "--reference", files.reference, "--current", files.current, "--columns", "x,zz"],
      /--columns: .*reference\.csv has no column "zz"/,
    ],
    [
      "a missing group column",
      () => ["fairness", "--data", files.predictions, "--group", "race"],
      /predictions\.csv has no column "race" \(columns: "group", "y_true", "y_pred", "y_score"\)/,
    ],
    ["a missing label column", () => ["performance", "--data", files.scores, "--label", "outcome"], /scores\.csv has no column "outcome"/],
    [
      "text in a numeric column (performance)",
      () => [
        "performance",
        "--data",
        writeCsv(
          "text-score.csv",
          ["y_true", "y_score"],
          [
            [1, 0.9],
            [0, "high"],
          ],
        ),
      ],
      /text-score\.csv row 3, column "y_score": "high" is not a number/,
    ],
    [
      "text in a column a numerical test needs (drift)",
      () => [
        "drift",
        "--reference",
        files.reference,
        "--current",
        writeCsv(
          "text-x.csv",
          ["x", "y", "w", "c"],
          [
            [1, 2, 3, "a"],
            ["4o", 2, 3, "b"],
          ],
        ),
        "--test",
        "x=ks",
      ],
      /text-x\.csv row 3, column "x": "4o" is not a number, and --test x=ks needs numbers/,
    ],
    [
      "a header without data rows",
      () => ["drift", "--reference", files.reference, "--current", writeCsv("header-only.csv", ["x", "y", "w", "c"], [])],
      /header-only\.csv has a header but no data rows/,
    ],
    [
      "an empty file",
      () => {
        const file = path.join(dir, "empty.csv");
        fs.writeFileSync(file, "");
        return ["performance", "--data", file];
      },
      /empty\.csv is empty: no header row/,
    ],
    [
      "a single class",
      () => [
        "performance",
        "--data",
        writeCsv(
          "one-class.csv",
          ["y_true", "y_score"],
          [
            [1, 0.9],
            [1, 0.2],
          ],
        ),
      ],
      /one-class\.csv, column "y_true": every label is 1; ROC AUC and average precision need both classes/,
    ],
    [
      "labels other than 0/1 (performance)",
      () => [
        "performance",
        "--data",
        writeCsv(
          "label-2.csv",
          ["y_true", "y_score"],
          [
            [1, 0.9],
            [2, 0.2],
          ],
        ),
      ],
      /label-2\.csv row 3, column "y_true": labels must be 0 or 1, found 2/,
    ],
    [
      "labels other than 0/1 (fairness)",
      () => ["fairness", "--data", writeCsv("label-yes.csv", ["g", "y_true", "y_pred"], [["a", "yes", 1]]), "--group", "g"],
      /label-yes\.csv row 2, column "y_true": "yes" is not a number/,
    ],
    [
      "scores outside [0, 1] (performance)",
      () => [
        "performance",
        "--data",
        writeCsv(
          "score-big.csv",
          ["y_true", "y_score"],
          [
            [1, 0.9],
            [0, 1.5],
          ],
        ),
      ],
      /score-big\.csv row 3, column "y_score": scores must lie in \[0, 1\], found 1\.5/,
    ],
    [
      "scores outside [0, 1] (fairness)",
      () => ["fairness", "--data", writeCsv("score-negative.csv", ["g", "y_score"], [["a", -0.2]]), "--group", "g"],
      /score-negative\.csv row 2, column "y_score": scores must lie in \[0, 1\], found -0\.2/,
    ],
    [
      "an unknown test",
      () => ["drift", "--reference", files.reference, "--current", files.current, "--test", "x=ttest"],
      /--test x=ttest: unknown test/,
    ],
    ["a missing required option", () => ["drift", "--reference", files.reference], /required option '--current <file\.csv>' not specified/],
  ];

  it.for(cases)("%s", async ([, args, message], { expect }) => {
    const run = await cli(...args());
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(message);
  });
});

import { describe, expect, it } from "vitest";
import type { TDriftReport } from "@/lib/stats/drift";
import type { TFairnessReport } from "@/lib/stats/fairness";
import type { TPerformance } from "@/lib/stats/performance";
import {
  formatDriftReport,
  formatFairnessReport,
  formatPerformanceReport,
  formatStatistic,
  formatTable,
  toDriftJson,
  toFairnessJson,
  toPerformanceJson,
} from "./stats-report";

const driftReport: TDriftReport = {
  features: [
    { name: "age", kind: "numerical", test: "ks", statistic: 0.22, pValue: 2.9127101243589666e-6, threshold: 0.05, drifted: true },
    { name: "income", kind: "numerical", test: "wasserstein", statistic: 0.0965, pValue: null, threshold: 0.1, drifted: false },
    {
      name: "flat",
      kind: "numerical",
      test: "wasserstein",
      statistic: null,
      pValue: null,
      threshold: 0.1,
      drifted: true,
      reason: "reference is constant (3)",
    },
    {
      name: "city",
      kind: "categorical",
      test: "chisquare",
      statistic: 0,
      pValue: null,
      threshold: 0.05,
      drifted: false,
      reason: "a single category",
    },
  ],
  driftedShare: 0.5,
  datasetDrift: true,
};

describe("toDriftJson", () => {
  it("has exactly the issue's keys, with a reason only on a feature with a null", () => {
    const json = toDriftJson(driftReport);
    expect(Object.keys(json)).toEqual(["features", "driftedShare", "datasetDrift"]);
    expect(json.features.map((feature) => Object.keys(feature))).toEqual([
      ["name", "kind", "test", "statistic", "pValue", "threshold", "drifted"],
      ["name", "kind", "test", "statistic", "pValue", "threshold", "drifted"],
      ["name", "kind", "test", "statistic", "pValue", "threshold", "drifted", "reason"],
      ["name", "kind", "test", "statistic", "pValue", "threshold", "drifted", "reason"],
    ]);
    expect(json.features[2]).toEqual({
      name: "flat",
      kind: "numerical",
      test: "wasserstein",
      statistic: null,
      pValue: null,
      threshold: 0.1,
      drifted: true,
      reason: "reference is constant (3)",
    });
    // A tiny p-value survives the round trip through JSON unrounded.
    expect(JSON.parse(JSON.stringify(json)).features[0].pValue).toBe(2.9127101243589666e-6);
  });

  it("turns a non-finite number into null", () => {
    const json = toDriftJson({ ...driftReport, features: [{ ...driftReport.features[0], statistic: NaN, pValue: Infinity }] });
    expect(json.features[0].statistic).toBeNull();
    expect(json.features[0].pValue).toBeNull();
  });
});

const fairnessReport: TFairnessReport = {
  groups: [
    {
      group: "f",
      count: 3,
      selectionRate: 2 / 3,
      tpr: 1,
      fpr: null,
      accuracy: 2 / 3,
      flags: ["fpr undefined: no negative labels in group 'f'"],
    },
    { group: "m", count: 2, selectionRate: 0.5, tpr: 0.5, fpr: 0, accuracy: 0.5, flags: [] },
  ],
  demographicParityDifference: 1 / 6,
  demographicParityRatio: 0.75,
  equalizedOddsDifference: 0.5,
  equalOpportunityDifference: 0.5,
  disparateImpactRatio: 0.75,
  flags: ["fpr undefined: no negative labels in group 'f'"],
};

describe("toFairnessJson", () => {
  it("has exactly the issue's keys: no flags", () => {
    const json = toFairnessJson(fairnessReport);
    expect(Object.keys(json)).toEqual([
      "groups",
      "demographicParityDifference",
      "demographicParityRatio",
      "equalizedOddsDifference",
      "equalOpportunityDifference",
      "disparateImpactRatio",
    ]);
    expect(json.groups).toEqual([
      { group: "f", count: 3, selectionRate: 2 / 3, tpr: 1, fpr: null, accuracy: 2 / 3 },
      { group: "m", count: 2, selectionRate: 0.5, tpr: 0.5, fpr: 0, accuracy: 0.5 },
    ]);
  });
});

const performance: TPerformance = {
  rocAuc: 0.75,
  averagePrecision: 0.8,
  brier: 0.2,
  logLoss: 0.6,
  accuracy: 0.7,
  precision: null,
  recall: 0,
  f1: 0,
  ece: 0.05,
};

describe("toPerformanceJson", () => {
  it("has exactly the issue's keys in its order, null where undefined", () => {
    const json = toPerformanceJson(performance);
    expect(Object.keys(json)).toEqual(["rocAuc", "averagePrecision", "brier", "logLoss", "accuracy", "precision", "recall", "f1", "ece"]);
    expect(json.precision).toBeNull();
    expect(json.recall).toBe(0);
  });
});

describe("formatting", () => {
  it.each([
    [null, "-"],
    [0, "0"],
    [3, "3"],
    [0.05, "0.05"],
    [0.123456, "0.1235"],
    [123.456, "123.5"],
    [2.9127101243589666e-6, "2.913e-6"],
    [1e-300, "1.000e-300"],
    [NaN, "-"],
  ])("formatStatistic(%d) = %s", (value, text) => {
    expect(formatStatistic(value)).toBe(text);
  });

  it("aligns table columns, numbers to the right", () => {
    expect(
      formatTable(
        ["NAME", "N"],
        [
          ["a", "1"],
          ["long", "100"],
        ],
        [false, true],
      ),
    ).toBe("NAME    N\na       1\nlong  100");
  });

  it("prints the drift table, the notes and the verdict", () => {
    expect(formatDriftReport(driftReport)).toBe(
      [
        "FEATURE  KIND         TEST         STATISTIC   P-VALUE  THRESHOLD  DRIFTED",
        "age      numerical    ks                0.22  2.913e-6       0.05  DRIFT",
        "income   numerical    wasserstein     0.0965         -        0.1  no",
        "flat     numerical    wasserstein          -         -        0.1  DRIFT",
        "city     categorical  chisquare            0         -       0.05  no",
        "",
        "Notes:",
        "  flat: reference is constant (3)",
        "  city: a single category",
        "",
        "Dataset drift: YES (2 of 4 features drifted, 50.0%; the dataset drifts from 50.0%)",
      ].join("\n"),
    );
  });

  it("prints the fairness tables and the report's flags", () => {
    expect(formatFairnessReport(fairnessReport, { group: "sex", privileged: "m" })).toBe(
      [
        "SEX             COUNT  SELECTION  TPR  FPR  ACCURACY",
        "f                   3     0.6667    1    -    0.6667",
        "m (privileged)      2        0.5  0.5    0       0.5",
        "",
        "METRIC                          VALUE",
        "demographic parity difference  0.1667",
        "demographic parity ratio         0.75",
        "equalized odds difference         0.5",
        "equal opportunity difference      0.5",
        "disparate impact ratio           0.75",
        "",
        "Notes:",
        "  fpr undefined: no negative labels in group 'f'",
      ].join("\n"),
    );
  });

  it("prints the performance table with a note for an undefined precision", () => {
    expect(formatPerformanceReport(performance, { rows: 10, threshold: 0.5 })).toBe(
      [
        "METRIC             VALUE",
        "ROC AUC             0.75",
        "average precision    0.8",
        "Brier score          0.2",
        "log loss             0.6",
        "accuracy             0.7",
        "precision              -",
        "recall                 0",
        "F1                     0",
        "ECE (10 bins)       0.05",
        "",
        "10 rows; a score ≥ 0.5 predicts 1.",
        "",
        "Notes:",
        "  precision undefined: no score reaches the threshold 0.5 (F1 = 2TP / (2TP + FP + FN) is 0)",
      ].join("\n"),
    );
  });
});

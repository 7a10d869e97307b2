import { describe, expect, it } from "vitest";
import { computeFairness, countByGroup, fairnessFromCounts, mergeGroupCounts, type TFairnessReport } from "./fairness";

// Expected values come from numpy 1.24 / scikit-learn 1.2 (fairlearn is not installed), with
// fairlearn's definitions written out. Per group g (mask m = groups == g):
//   tn, fp, fn, tp = sklearn.metrics.confusion_matrix(y_true[m], y_pred[m], labels=[0, 1]).ravel()
//   selection_rate = y_pred[m].mean(); tpr = tp / (tp + fn); fpr = fp / (fp + tn); accuracy = (tp + tn) / m.sum()
// fairlearn.metrics.demographic_parity_difference: max − min of selection_rate by group
// fairlearn.metrics.demographic_parity_ratio:      min / max of selection_rate by group
// fairlearn.metrics.equal_opportunity_difference:  max − min of tpr by group (NaN groups skipped, as pandas does)
// fairlearn.metrics.equalized_odds_difference:     max(tpr max − min, fpr max − min)
// disparate impact: min selection_rate over unprivileged groups / selection_rate of the privileged group.

type TCase = {
  name: string;
  groups: string[];
  labels: (0 | 1)[];
  predictions: (0 | 1)[];
  privileged?: string;
  rates: Record<string, { selectionRate: number; tpr: number | null; fpr: number; accuracy: number }>;
  expected: Pick<
    TFairnessReport,
    | "demographicParityDifference"
    | "demographicParityRatio"
    | "equalizedOddsDifference"
    | "equalOpportunityDifference"
    | "disparateImpactRatio"
  >;
};

// Two groups, rows deliberately not sorted by group.
const twoGroups = {
  groups: ["b", "b", "b", "b", "b", "b", "a", "a", "a", "a", "a"],
  labels: [1, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1] as (0 | 1)[],
  predictions: [0, 0, 0, 1, 1, 0, 1, 0, 0, 1, 1] as (0 | 1)[],
  rates: {
    a: { selectionRate: 0.6, tpr: 0.6666666666666666, fpr: 0.5, accuracy: 0.6 },
    b: { selectionRate: 0.3333333333333333, tpr: 0.5, fpr: 0.25, accuracy: 0.6666666666666666 },
  },
};
// Three groups; group b has no positive label, so its TPR is undefined and left out.
const threeGroups = {
  groups: ["a", "a", "a", "a", "b", "b", "b", "c", "c", "c", "c", "c"],
  labels: [1, 0, 1, 0, 0, 0, 0, 1, 1, 0, 1, 0] as (0 | 1)[],
  predictions: [1, 1, 0, 0, 0, 1, 0, 1, 1, 0, 1, 1] as (0 | 1)[],
  rates: {
    a: { selectionRate: 0.5, tpr: 0.5, fpr: 0.5, accuracy: 0.5 },
    b: { selectionRate: 0.3333333333333333, tpr: null, fpr: 0.3333333333333333, accuracy: 0.6666666666666666 },
    c: { selectionRate: 0.8, tpr: 1.0, fpr: 0.5, accuracy: 0.8 },
  },
};
// Three groups; group x has no predicted positive (selection rate 0, a defined value).
const noPredictedPositive = {
  groups: ["x", "x", "y", "y", "y", "z", "z", "z", "z"],
  labels: [1, 0, 1, 0, 1, 0, 1, 1, 0] as (0 | 1)[],
  predictions: [0, 0, 1, 0, 1, 1, 1, 0, 0] as (0 | 1)[],
  rates: {
    x: { selectionRate: 0.0, tpr: 0.0, fpr: 0.0, accuracy: 0.5 },
    y: { selectionRate: 0.6666666666666666, tpr: 1.0, fpr: 0.0, accuracy: 1.0 },
    z: { selectionRate: 0.5, tpr: 0.5, fpr: 0.5, accuracy: 0.5 },
  },
};

const cases: TCase[] = [
  {
    name: "two groups, no privileged group",
    ...twoGroups,
    // dpd 0.6 − 1/3; dpr (1/3) / 0.6; eop 2/3 − 1/2; eod max(1/6, 0.5 − 0.25) = 0.25; di = dpr
    expected: {
      demographicParityDifference: 0.26666666666666666,
      demographicParityRatio: 0.5555555555555556,
      equalizedOddsDifference: 0.25,
      equalOpportunityDifference: 0.16666666666666663,
      disparateImpactRatio: 0.5555555555555556,
    },
  },
  {
    name: "two groups, privileged b",
    ...twoGroups,
    privileged: "b",
    // di = 0.6 / (1/3) = 1.8 (a ratio above 1 favours the unprivileged group)
    expected: {
      demographicParityDifference: 0.26666666666666666,
      demographicParityRatio: 0.5555555555555556,
      equalizedOddsDifference: 0.25,
      equalOpportunityDifference: 0.16666666666666663,
      disparateImpactRatio: 1.8,
    },
  },
  {
    name: "three groups, one without positive labels",
    ...threeGroups,
    // eop over a, c only: 1.0 − 0.5; fpr spread 0.5 − 1/3; eod 0.5
    expected: {
      demographicParityDifference: 0.46666666666666673,
      demographicParityRatio: 0.41666666666666663,
      equalizedOddsDifference: 0.5,
      equalOpportunityDifference: 0.5,
      disparateImpactRatio: 0.41666666666666663,
    },
  },
  {
    name: "three groups, privileged a",
    ...threeGroups,
    privileged: "a",
    // di = min(1/3, 0.8) / 0.5
    expected: {
      demographicParityDifference: 0.46666666666666673,
      demographicParityRatio: 0.41666666666666663,
      equalizedOddsDifference: 0.5,
      equalOpportunityDifference: 0.5,
      disparateImpactRatio: 0.6666666666666666,
    },
  },
  {
    name: "a group with no predicted positive",
    ...noPredictedPositive,
    privileged: "z",
    // dpr = 0 / (2/3) = 0; di = min(0, 2/3) / 0.5 = 0
    expected: {
      demographicParityDifference: 0.6666666666666666,
      demographicParityRatio: 0,
      equalizedOddsDifference: 1,
      equalOpportunityDifference: 1,
      disparateImpactRatio: 0,
    },
  },
  {
    name: "a single group",
    groups: ["only", "only", "only", "only", "only"],
    labels: [1, 0, 1, 1, 0],
    predictions: [1, 0, 0, 1, 1],
    rates: { only: { selectionRate: 0.6, tpr: 0.6666666666666666, fpr: 0.5, accuracy: 0.6 } },
    // max − min over one value is 0 and min / max is 1, as fairlearn reports for a single group
    expected: {
      demographicParityDifference: 0,
      demographicParityRatio: 1,
      equalizedOddsDifference: 0,
      equalOpportunityDifference: 0,
      disparateImpactRatio: 1,
    },
  },
];

describe("computeFairness", () => {
  it.each(cases)("$name", ({ groups, labels, predictions, privileged, rates, expected }) => {
    const report = computeFairness({ groups, labels, predictions, privileged });
    expect(report.groups.map((group) => group.group)).toEqual(Object.keys(rates).sort());
    for (const group of report.groups) {
      const want = rates[group.group];
      expect(group.count).toBe(groups.filter((name) => name === group.group).length);
      expect(group.selectionRate).toBeCloseTo(want.selectionRate, 12);
      if (want.tpr === null) expect(group.tpr).toBeNull();
      else expect(group.tpr).toBeCloseTo(want.tpr, 12);
      expect(group.fpr).toBeCloseTo(want.fpr, 12);
      expect(group.accuracy).toBeCloseTo(want.accuracy, 12);
    }
    for (const [key, value] of Object.entries(expected)) {
      expect(report[key as keyof typeof expected], key).toBeCloseTo(value as number, 12);
    }
  });

  it("flags an undefined TPR in the group and in the report", () => {
    const report = computeFairness(threeGroups);
    const b = report.groups.find((group) => group.group === "b");
    expect(b?.flags).toEqual(["tpr undefined: no positive labels in group 'b'"]);
    expect(report.flags).toContain("tpr undefined: no positive labels in group 'b'");
    expect(report.groups.find((group) => group.group === "a")?.flags).toEqual([]);
  });

  it("leaves label metrics null without labels, with one report flag", () => {
    const report = computeFairness({ groups: twoGroups.groups, predictions: twoGroups.predictions });
    expect(report.groups.map(({ tpr, fpr, accuracy, flags }) => ({ tpr, fpr, accuracy, flags }))).toEqual([
      { tpr: null, fpr: null, accuracy: null, flags: [] },
      { tpr: null, fpr: null, accuracy: null, flags: [] },
    ]);
    expect(report.equalizedOddsDifference).toBeNull();
    expect(report.equalOpportunityDifference).toBeNull();
    expect(report.demographicParityDifference).toBeCloseTo(0.26666666666666666, 12);
    expect(report.flags).toEqual(["no labels: tpr, fpr, accuracy, equalized odds and equal opportunity are undefined"]);
  });

  it("makes ratios null and flagged when no group has a predicted positive", () => {
    // numpy: selection rates p = 0/2, q = 0/3; min / max = 0 / 0 is NaN in fairlearn.
    const report = computeFairness({ groups: ["p", "p", "q", "q", "q"], labels: [0, 1, 1, 1, 0], predictions: [0, 0, 0, 0, 0] });
    expect(report.demographicParityDifference).toBe(0);
    expect(report.demographicParityRatio).toBeNull();
    expect(report.disparateImpactRatio).toBeNull();
    expect(report.flags).toEqual([
      "demographic parity ratio undefined: no group has a predicted positive",
      "disparate impact ratio undefined: no group has a predicted positive",
    ]);
  });

  it("makes disparate impact null and flagged when the privileged group has no predicted positive", () => {
    const report = computeFairness({ ...noPredictedPositive, privileged: "x" });
    expect(report.disparateImpactRatio).toBeNull();
    expect(report.flags).toEqual(["disparate impact ratio undefined: privileged group 'x' has no predicted positive"]);
  });

  it("has nothing to compare in an empty group list", () => {
    const report = computeFairness({ groups: [], predictions: [], labels: [] });
    expect(report).toEqual({
      groups: [],
      demographicParityDifference: null,
      demographicParityRatio: null,
      equalizedOddsDifference: null,
      equalOpportunityDifference: null,
      disparateImpactRatio: null,
      flags: ["no groups: every fairness metric is undefined"],
    });
  });

  it("throws for an unknown privileged group", () => {
    expect(() => computeFairness({ ...twoGroups, privileged: "c" })).toThrow("privileged group 'c' is not among the groups ('a', 'b')");
  });

  it("throws when the arrays differ in length", () => {
    expect(() => computeFairness({ groups: ["a", "b"], predictions: [1] })).toThrow("predictions has 1 rows but groups has 2");
  });

  it("never returns NaN", () => {
    const report = computeFairness({ groups: ["a", "b"], predictions: [0, 0], labels: [0, 0] });
    expect(JSON.stringify(report)).not.toContain("NaN");
    expect(Object.values(report).filter((value) => typeof value === "number" && Number.isNaN(value))).toEqual([]);
  });
});

describe("group counts", () => {
  it("counts unlabelled rows in count and predictedPositive only", () => {
    expect(
      countByGroup([
        { group: "b", predicted: 1, label: 1 },
        { group: "a", predicted: 1 },
        { group: "b", predicted: 0, label: null },
        { group: "b", predicted: 1, label: 0 },
        { group: "a", predicted: 0, label: 0 },
      ]),
    ).toEqual([
      { group: "a", count: 2, predictedPositive: 1, labelled: 1, tp: 0, fp: 0, tn: 1, fn: 0 },
      { group: "b", count: 3, predictedPositive: 2, labelled: 2, tp: 1, fp: 1, tn: 0, fn: 0 },
    ]);
  });

  it("merging the counts of two windows equals counting their concatenation", () => {
    const rows = threeGroups.groups.map((group, index) => ({
      group,
      predicted: threeGroups.predictions[index],
      label: index % 4 === 3 ? null : threeGroups.labels[index],
    }));
    const first = rows.slice(0, 5);
    const second = [...rows.slice(5), { group: "d", predicted: 1 as const, label: 1 as const }];
    const merged = mergeGroupCounts(countByGroup(first), countByGroup(second));
    expect(merged).toEqual(countByGroup([...first, ...second]));
    expect(fairnessFromCounts(merged, { privileged: "a" })).toEqual(
      fairnessFromCounts(countByGroup([...first, ...second]), { privileged: "a" }),
    );
  });

  it("reports a zero-count group as undefined rather than zero", () => {
    const report = fairnessFromCounts([
      { group: "empty", count: 0, predictedPositive: 0, labelled: 0, tp: 0, fp: 0, tn: 0, fn: 0 },
      { group: "full", count: 2, predictedPositive: 1, labelled: 2, tp: 1, fp: 0, tn: 1, fn: 0 },
    ]);
    expect(report.groups[0]).toEqual({
      group: "empty",
      count: 0,
      selectionRate: null,
      tpr: null,
      fpr: null,
      accuracy: null,
      flags: [
        "selection rate undefined: no rows in group 'empty'",
        "tpr undefined: no positive labels in group 'empty'",
        "fpr undefined: no negative labels in group 'empty'",
        "accuracy undefined: no labelled rows in group 'empty'",
      ],
    });
    expect(report.demographicParityDifference).toBe(0);
    expect(report.demographicParityRatio).toBe(1);
  });
});

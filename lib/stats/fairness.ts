// Group fairness metrics with fairlearn's definitions (fairlearn.metrics: selection_rate,
// true_positive_rate, false_positive_rate, demographic_parity_difference/ratio,
// equalized_odds_difference, equal_opportunity_difference). Rates are built from mergeable
// per-group counts so monitoring can store one row per window and sum windows later.

type TGroupRates = {
  group: string;
  count: number;
  selectionRate: number | null;
  tpr: number | null;
  fpr: number | null;
  accuracy: number | null;
  flags: string[];
};

export type TFairnessReport = {
  groups: TGroupRates[];
  demographicParityDifference: number | null;
  demographicParityRatio: number | null;
  equalizedOddsDifference: number | null;
  equalOpportunityDifference: number | null;
  disparateImpactRatio: number | null;
  flags: string[];
};

/** Per-group counts; rows without a label add to `count` and `predictedPositive` only. */
export type TGroupCounts = {
  group: string;
  count: number;
  predictedPositive: number;
  labelled: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
};

export type TFairnessRow = { group: string; predicted: 0 | 1; label?: 0 | 1 | null };

// Code-unit order, as Python's sorted(): independent of the runtime's locale.
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function emptyCounts(group: string): TGroupCounts {
  return { group, count: 0, predictedPositive: 0, labelled: 0, tp: 0, fp: 0, tn: 0, fn: 0 };
}

/** Confusion counts per group (fairlearn MetricFrame's grouping), sorted by group name. */
export function countByGroup(rows: TFairnessRow[]): TGroupCounts[] {
  const byGroup = new Map<string, TGroupCounts>();
  for (const row of rows) {
    let counts = byGroup.get(row.group);
    if (!counts) {
      counts = emptyCounts(row.group);
      byGroup.set(row.group, counts);
    }
    counts.count += 1;
    if (row.predicted === 1) counts.predictedPositive += 1;
    if (row.label === 0 || row.label === 1) {
      counts.labelled += 1;
      if (row.predicted === 1 && row.label === 1) counts.tp += 1;
      else if (row.predicted === 1) counts.fp += 1;
      else if (row.label === 1) counts.fn += 1;
      else counts.tn += 1;
    }
  }
  return [...byGroup.values()].sort((a, b) => compareNames(a.group, b.group));
}

/** Sum of two sets of group counts: equals countByGroup of the concatenated rows. */
export function mergeGroupCounts(a: TGroupCounts[], b: TGroupCounts[]): TGroupCounts[] {
  const byGroup = new Map<string, TGroupCounts>();
  for (const counts of [...a, ...b]) {
    const sum = byGroup.get(counts.group) ?? emptyCounts(counts.group);
    byGroup.set(counts.group, {
      group: counts.group,
      count: sum.count + counts.count,
      predictedPositive: sum.predictedPositive + counts.predictedPositive,
      labelled: sum.labelled + counts.labelled,
      tp: sum.tp + counts.tp,
      fp: sum.fp + counts.fp,
      tn: sum.tn + counts.tn,
      fn: sum.fn + counts.fn,
    });
  }
  return [...byGroup.values()].sort((a, b) => compareNames(a.group, b.group));
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

// fairlearn's MetricFrame.difference() is max − min over groups with pandas' skipna, so a
// group whose rate is undefined is left out rather than turning the whole metric into NaN.
function spread(values: (number | null)[]): { min: number; max: number } | null {
  const defined = values.filter((value): value is number => value !== null);
  if (defined.length === 0) return null;
  return { min: Math.min(...defined), max: Math.max(...defined) };
}

/** Fairness report from group counts (fairlearn definitions); throws if `privileged` names no group. */
export function fairnessFromCounts(counts: TGroupCounts[], options: { privileged?: string } = {}): TFairnessReport {
  const sorted = mergeGroupCounts(counts, []);
  const { privileged } = options;
  if (privileged !== undefined && !sorted.some((counts) => counts.group === privileged)) {
    const known = sorted.map((counts) => `'${counts.group}'`).join(", ") || "none";
    throw new Error(`privileged group '${privileged}' is not among the groups (${known})`);
  }

  const hasLabels = sorted.some((counts) => counts.labelled > 0);
  const groups: TGroupRates[] = sorted.map((counts) => {
    const flags: string[] = [];
    const selectionRate = ratio(counts.predictedPositive, counts.count);
    if (selectionRate === null) flags.push(`selection rate undefined: no rows in group '${counts.group}'`);
    let tpr: number | null = null;
    let fpr: number | null = null;
    let accuracy: number | null = null;
    // Without any label there is nothing to flag per group: the report says so once.
    if (hasLabels) {
      tpr = ratio(counts.tp, counts.tp + counts.fn);
      fpr = ratio(counts.fp, counts.fp + counts.tn);
      accuracy = ratio(counts.tp + counts.tn, counts.labelled);
      if (tpr === null) flags.push(`tpr undefined: no positive labels in group '${counts.group}'`);
      if (fpr === null) flags.push(`fpr undefined: no negative labels in group '${counts.group}'`);
      if (accuracy === null) flags.push(`accuracy undefined: no labelled rows in group '${counts.group}'`);
    }
    return { group: counts.group, count: counts.count, selectionRate, tpr, fpr, accuracy, flags };
  });

  const flags = groups.flatMap((group) => group.flags);
  if (groups.length === 0) flags.push("no groups: every fairness metric is undefined");
  else if (!hasLabels) flags.push("no labels: tpr, fpr, accuracy, equalized odds and equal opportunity are undefined");

  const selection = spread(groups.map((group) => group.selectionRate));
  const demographicParityDifference = selection ? selection.max - selection.min : null;
  let demographicParityRatio: number | null = null;
  if (selection) {
    demographicParityRatio = ratio(selection.min, selection.max);
    if (demographicParityRatio === null) flags.push("demographic parity ratio undefined: no group has a predicted positive");
  }

  const tprSpread = hasLabels ? spread(groups.map((group) => group.tpr)) : null;
  const fprSpread = hasLabels ? spread(groups.map((group) => group.fpr)) : null;
  const equalOpportunityDifference = tprSpread ? tprSpread.max - tprSpread.min : null;
  const fprDifference = fprSpread ? fprSpread.max - fprSpread.min : null;
  // Equalized odds bounds both gaps; with one of them unknown it cannot be stated.
  const equalizedOddsDifference =
    equalOpportunityDifference !== null && fprDifference !== null ? Math.max(equalOpportunityDifference, fprDifference) : null;
  if (hasLabels && equalOpportunityDifference === null) flags.push("equal opportunity difference undefined: no group has a positive label");
  if (hasLabels && equalizedOddsDifference === null)
    flags.push("equalized odds difference undefined: tpr or fpr is undefined in every group");

  let disparateImpactRatio: number | null = null;
  if (privileged === undefined) {
    disparateImpactRatio = demographicParityRatio;
    if (selection && disparateImpactRatio === null) flags.push("disparate impact ratio undefined: no group has a predicted positive");
  } else {
    const privilegedRate = groups.find((group) => group.group === privileged)?.selectionRate ?? null;
    const unprivileged = spread(groups.filter((group) => group.group !== privileged).map((group) => group.selectionRate));
    if (privilegedRate === null) flags.push(`disparate impact ratio undefined: privileged group '${privileged}' has no rows`);
    else if (unprivileged === null) flags.push(`disparate impact ratio undefined: no unprivileged group besides '${privileged}'`);
    else {
      disparateImpactRatio = ratio(unprivileged.min, privilegedRate);
      if (disparateImpactRatio === null)
        flags.push(`disparate impact ratio undefined: privileged group '${privileged}' has no predicted positive`);
    }
  }

  return {
    groups,
    demographicParityDifference,
    demographicParityRatio,
    equalizedOddsDifference,
    equalOpportunityDifference,
    disparateImpactRatio,
    flags,
  };
}

/** Fairness report from row arrays (fairlearn definitions); labels are optional, lengths must match. */
export function computeFairness(input: {
  groups: string[];
  predictions: (0 | 1)[];
  labels?: (0 | 1)[] | null;
  privileged?: string;
}): TFairnessReport {
  const { groups, predictions, labels, privileged } = input;
  if (predictions.length !== groups.length) throw new Error(`predictions has ${predictions.length} rows but groups has ${groups.length}`);
  if (labels && labels.length !== groups.length) throw new Error(`labels has ${labels.length} rows but groups has ${groups.length}`);
  const rows = groups.map((group, index) => ({ group, predicted: predictions[index], label: labels ? labels[index] : null }));
  return fairnessFromCounts(countByGroup(rows), privileged === undefined ? {} : { privileged });
}

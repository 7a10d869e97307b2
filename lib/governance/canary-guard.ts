import { z } from "zod";
import { armAdvice, type TArmComparison } from "../stats/abtest-arms";
import { COMPARISON_TOLERANCE, type TCanaryGuardLimits } from "./policy";

export type { TCanaryGuardLimits } from "./policy";

/** What one arm (champion or challenger) did over the guard's window. */
export const ZArmStats = z
  .object({
    requests: z.number().int().min(0),
    errors: z.number().int().min(0),
    latencyP99Ms: z.number().min(0),
    meanConfidence: z.number().min(0).max(1),
    /** Present once enough labelled outcomes arrived for the window. */
    performance: z.object({ rocAuc: z.number().min(0).max(1).optional(), accuracy: z.number().min(0).max(1).optional() }).optional(),
  })
  .refine((stats) => stats.errors <= stats.requests, { message: "errors cannot exceed requests", path: ["errors"] });
export type TArmStats = z.infer<typeof ZArmStats>;

type TCanaryMetric = "error_rate" | "latency_p99" | "mean_confidence" | "roc_auc" | "accuracy";

type TCanaryBreach = {
  metric: TCanaryMetric;
  championValue: number;
  challengerValue: number;
  /** The policy's limit, in the unit of `observedChange`. */
  limit: number;
  /** Error-rate increase, p99 latency ratio, or the drop in confidence or performance. */
  observedChange: number;
  sentence: string;
};

type TCanaryVerdict = "continue" | "rollback" | "insufficient_data";

export type TCanaryJudgement = {
  verdict: TCanaryVerdict;
  breaches: TCanaryBreach[];
  /** Metrics that could not be compared yet (performance before labels arrive), so nobody reads silence as a pass. */
  notJudged: TCanaryMetric[];
  sentence: string;
};

function percent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(4))}%`;
}

function points(fraction: number): string {
  const value = Number((fraction * 100).toPrecision(4));
  return `${value} percentage point${value === 1 ? "" : "s"}`;
}

function decimal(value: number): string {
  return String(Number(value.toPrecision(4)));
}

function latencyRatio(championMs: number, challengerMs: number): number {
  // A champion p99 of 0 ms only happens with no timing at all; equal zeros are no change, anything above is unbounded.
  if (championMs <= 0) return challengerMs <= 0 ? 1 : Number.POSITIVE_INFINITY;
  return challengerMs / championMs;
}

/**
 * Compares a canary with its champion, metric by metric against the tier's guard limits. Verdict
 * `rollback` when any metric is beyond its limit: the worker then takes the canary off traffic
 * (`withdraw`, as `system`) and the champion answers alone. A value exactly at its limit
 * continues. Nothing is judged before both arms have `minRequests` requests; performance only
 * when both arms report it.
 */
export function judgeCanary({
  champion,
  challenger,
  limits,
}: {
  champion: TArmStats;
  challenger: TArmStats;
  limits: TCanaryGuardLimits;
}): TCanaryJudgement {
  if (champion.requests < limits.minRequests || challenger.requests < limits.minRequests) {
    return {
      verdict: "insufficient_data",
      breaches: [],
      notJudged: ["error_rate", "latency_p99", "mean_confidence", "roc_auc", "accuracy"],
      sentence: `The challenger has ${challenger.requests} requests and the champion ${champion.requests}; each needs at least ${limits.minRequests} before the guard judges.`,
    };
  }

  const breaches: TCanaryBreach[] = [];
  const notJudged: TCanaryMetric[] = [];

  const championErrorRate = champion.errors / champion.requests;
  const challengerErrorRate = challenger.errors / challenger.requests;
  const errorRateIncrease = challengerErrorRate - championErrorRate;
  if (errorRateIncrease > limits.maxErrorRateIncrease + COMPARISON_TOLERANCE) {
    breaches.push({
      metric: "error_rate",
      championValue: championErrorRate,
      challengerValue: challengerErrorRate,
      limit: limits.maxErrorRateIncrease,
      observedChange: errorRateIncrease,
      sentence: `Error rate ${percent(challengerErrorRate)} against the champion's ${percent(championErrorRate)}: up ${points(errorRateIncrease)}, more than the ${points(limits.maxErrorRateIncrease)} allowed.`,
    });
  }

  const ratio = latencyRatio(champion.latencyP99Ms, challenger.latencyP99Ms);
  if (ratio > limits.maxLatencyP99Ratio + COMPARISON_TOLERANCE) {
    breaches.push({
      metric: "latency_p99",
      championValue: champion.latencyP99Ms,
      challengerValue: challenger.latencyP99Ms,
      limit: limits.maxLatencyP99Ratio,
      observedChange: ratio,
      sentence: `p99 latency ${decimal(challenger.latencyP99Ms)} ms against the champion's ${decimal(champion.latencyP99Ms)} ms: ${decimal(ratio)} times, more than the ${decimal(limits.maxLatencyP99Ratio)} times allowed.`,
    });
  }

  const confidenceDrop = champion.meanConfidence - challenger.meanConfidence;
  if (confidenceDrop > limits.maxConfidenceDrop + COMPARISON_TOLERANCE) {
    breaches.push({
      metric: "mean_confidence",
      championValue: champion.meanConfidence,
      challengerValue: challenger.meanConfidence,
      limit: limits.maxConfidenceDrop,
      observedChange: confidenceDrop,
      sentence: `Mean confidence ${decimal(challenger.meanConfidence)} against the champion's ${decimal(champion.meanConfidence)}: down ${decimal(confidenceDrop)}, more than the ${decimal(limits.maxConfidenceDrop)} allowed.`,
    });
  }

  const performanceMetrics = [
    ["roc_auc", "ROC AUC", champion.performance?.rocAuc, challenger.performance?.rocAuc],
    ["accuracy", "Accuracy", champion.performance?.accuracy, challenger.performance?.accuracy],
  ] as const;
  const maxPerformanceDrop = limits.maxPerformanceDrop;
  for (const [metric, label, championValue, challengerValue] of performanceMetrics) {
    if (championValue === undefined || challengerValue === undefined) {
      notJudged.push(metric);
      continue;
    }
    const drop = championValue - challengerValue;
    if (drop > maxPerformanceDrop + COMPARISON_TOLERANCE) {
      breaches.push({
        metric,
        championValue,
        challengerValue,
        limit: maxPerformanceDrop,
        observedChange: drop,
        sentence: `${label} ${decimal(challengerValue)} against the champion's ${decimal(championValue)}: down ${decimal(drop)}, more than the ${decimal(maxPerformanceDrop)} allowed.`,
      });
    }
  }

  if (breaches.length > 0) {
    return {
      verdict: "rollback",
      breaches,
      notJudged,
      sentence: `Withdraw the canary: ${breaches.length} limit${breaches.length === 1 ? "" : "s"} breached.`,
    };
  }
  const pending = notJudged.length ? ` (${notJudged.join(" and ")} not judged yet: no labelled outcomes in both arms)` : "";
  return { verdict: "continue", breaches, notJudged, sentence: `The canary is within every limit${pending}.` };
}

/**
 * The guard's reading of the business value (treatment = challenger, control = champion). Advice and
 * a hold, never a move: `hold` raises a warning for the committee, `recommend_promotion` is shown on
 * the version page and the committee home; only a person promotes.
 */
type TBusinessVerdict = "hold" | "recommend_promotion" | "keep_collecting" | "insufficient_data";

export type TBusinessJudgement = {
  verdict: TBusinessVerdict;
  controlN: number;
  treatmentN: number;
  difference: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  alwaysValidPValue: number | null;
  test: TArmComparison["test"] | null;
  sentence: string;
};

/** The level the always-valid p-value is read at: it may be read on every pass (mSPRT), so no correction for peeking. */
const BUSINESS_ALPHA = 0.05;

function signed(value: number): string {
  const text = decimal(Math.abs(value));
  return value < 0 ? `−${text}` : `+${text}`;
}

/**
 * Judges the canary on the business value from the A/B comparison of both arms (lib/stats/abtest-arms
 * `compareArms`, null while an arm has fewer than 2 values): the always-valid p-value (mSPRT, Johari et
 * al. 2017) below `alpha` with the challenger behind → `hold`; ahead → `recommend_promotion`
 * (`armAdvice`); otherwise `keep_collecting`. The fixed-horizon p-value is not used: the guard looks on
 * every pass, and only the always-valid one keeps its error rate under repeated looks.
 */
export function judgeCanaryBusiness(comparison: TArmComparison | null, alpha = BUSINESS_ALPHA): TBusinessJudgement {
  if (comparison === null) {
    return {
      verdict: "insufficient_data",
      controlN: 0,
      treatmentN: 0,
      difference: null,
      ciLow: null,
      ciHigh: null,
      alwaysValidPValue: null,
      test: null,
      sentence:
        "No business values in both arms yet: outcomes with a value are needed for the champion's and the challenger's predictions.",
    };
  }
  const { control, treatment, result, alwaysValidPValue, test } = comparison;
  const advice = armAdvice(comparison, alpha);
  const verdict: TBusinessVerdict =
    advice === "hold" ? "hold" : advice === "recommend promotion" ? "recommend_promotion" : "keep_collecting";
  const interval = result.ciLow === null || result.ciHigh === null ? "" : ` (95 % CI ${signed(result.ciLow)} to ${signed(result.ciHigh)})`;
  const evidence = `challenger − champion ${signed(result.difference)} per decision${interval} over ${treatment.n} and ${control.n} values, always-valid p = ${decimal(alwaysValidPValue)}`;
  const sentence =
    verdict === "hold"
      ? `Hold: the challenger is behind on the business value (${evidence} < ${alpha}). Do not raise its traffic or promote it; the guard does not withdraw it for this.`
      : verdict === "recommend_promotion"
        ? `Recommend promotion: the challenger is ahead on the business value (${evidence} < ${alpha}). The committee decides; the guard never promotes.`
        : `Keep collecting: no significant difference on the business value yet (${evidence} ≥ ${alpha}).`;
  return {
    verdict,
    controlN: control.n,
    treatmentN: treatment.n,
    difference: result.difference,
    ciLow: result.ciLow,
    ciHigh: result.ciHigh,
    alwaysValidPValue,
    test,
    sentence,
  };
}

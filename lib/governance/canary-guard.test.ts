import { describe, expect, it } from "vitest";
import { compareArms } from "../stats/abtest-arms";
import { judgeCanary, judgeCanaryBusiness, ZArmStats, type TArmStats } from "./canary-guard";
import { DEFAULT_POLICIES, type TCanaryGuardLimits } from "./policy";

const limits: TCanaryGuardLimits = {
  minRequests: 200,
  maxErrorRateIncrease: 0.01,
  maxLatencyP99Ratio: 2,
  maxConfidenceDrop: 0.05,
  maxPerformanceDrop: 0.03,
};
// Error rate 10 / 1000 = 1 %, p99 100 ms, mean confidence 0.8, ROC AUC 0.8, accuracy 0.9.
const champion: TArmStats = {
  requests: 1000,
  errors: 10,
  latencyP99Ms: 100,
  meanConfidence: 0.8,
  performance: { rocAuc: 0.8, accuracy: 0.9 },
};
const healthy: TArmStats = { ...champion, requests: 500, errors: 5 };

describe("judgeCanary", () => {
  it("continues a canary that matches its champion", () => {
    expect(judgeCanary({ champion, challenger: healthy, limits })).toEqual({
      verdict: "continue",
      breaches: [],
      notJudged: [],
      sentence: "The canary is within every limit.",
    });
  });

  it.each([
    ["the challenger has 199 requests", champion, { ...healthy, requests: 199, errors: 0 }, "insufficient_data"],
    ["the champion has 199 requests", { ...champion, requests: 199, errors: 0 }, healthy, "insufficient_data"],
    ["both have exactly 200", { ...champion, requests: 200, errors: 2 }, { ...healthy, requests: 200, errors: 2 }, "continue"],
  ] as const)("judges nothing until both arms have minRequests: %s → %s", (_name, championStats, challengerStats, verdict) => {
    const judgement = judgeCanary({ champion: championStats, challenger: challengerStats, limits });
    expect(judgement.verdict).toBe(verdict);
    if (verdict === "insufficient_data") {
      expect(judgement.breaches).toEqual([]);
      expect(judgement.notJudged).toHaveLength(5);
    }
  });

  it("explains insufficient data", () => {
    expect(judgeCanary({ champion, challenger: { ...healthy, requests: 150, errors: 0 }, limits }).sentence).toBe(
      "The challenger has 150 requests and the champion 1000; each needs at least 200 before the guard judges.",
    );
  });

  it("does not pull a canary with every error in too few requests: the policy's minimum decides", () => {
    expect(judgeCanary({ champion, challenger: { ...healthy, requests: 50, errors: 50 }, limits }).verdict).toBe("insufficient_data");
  });

  it.each([
    // Hand-computed: champion error rate 10/1000 = 0.01.
    ["error rate up exactly 1 point (20/1000)", { errors: 20, requests: 1000 }, "continue"],
    ["error rate up 1.1 points (21/1000)", { errors: 21, requests: 1000 }, "rollback"],
    // Champion 100 ms.
    ["p99 exactly twice the champion's (200 ms)", { latencyP99Ms: 200 }, "continue"],
    ["p99 2.01 times the champion's (201 ms)", { latencyP99Ms: 201 }, "rollback"],
    ["p99 faster than the champion's", { latencyP99Ms: 20 }, "continue"],
    // Champion 0.8; 0.8 − 0.75 is 0.050000000000000044 in binary, which the tolerance counts as 0.05.
    ["confidence down exactly 0.05", { meanConfidence: 0.75 }, "continue"],
    ["confidence down 0.0501", { meanConfidence: 0.7499 }, "rollback"],
    ["confidence up", { meanConfidence: 0.95 }, "continue"],
    // Champion ROC AUC 0.8; 0.8 − 0.77 is 0.030000000000000027 in binary.
    ["ROC AUC down exactly 0.03", { performance: { rocAuc: 0.77, accuracy: 0.9 } }, "continue"],
    ["ROC AUC down 0.031", { performance: { rocAuc: 0.769, accuracy: 0.9 } }, "rollback"],
    ["accuracy down exactly 0.03", { performance: { rocAuc: 0.8, accuracy: 0.87 } }, "continue"],
    ["accuracy down 0.04", { performance: { rocAuc: 0.8, accuracy: 0.86 } }, "rollback"],
  ] as const)("%s → %s", (_name, change, verdict) => {
    expect(judgeCanary({ champion, challenger: { ...healthy, ...change }, limits }).verdict).toBe(verdict);
  });

  it("absorbs binary rounding in the error-rate difference: 70/1000 − 60/1000 is 0.010000000000000009", () => {
    const judgement = judgeCanary({ champion: { ...champion, errors: 60 }, challenger: { ...champion, errors: 70 }, limits });
    expect(judgement.verdict).toBe("continue");
  });

  it("describes each breach with both values, the limit and a sentence", () => {
    const judgement = judgeCanary({ champion, challenger: { ...healthy, requests: 1000, errors: 21 }, limits });
    expect(judgement.verdict).toBe("rollback");
    expect(judgement.breaches).toEqual([
      {
        metric: "error_rate",
        championValue: 0.01,
        challengerValue: 0.021,
        limit: 0.01,
        observedChange: expect.closeTo(0.011, 12),
        sentence: "Error rate 2.1% against the champion's 1%: up 1.1 percentage points, more than the 1 percentage point allowed.",
      },
    ]);
    expect(judgement.sentence).toBe("Withdraw the canary: 1 limit breached.");
  });

  it("lists every breach, in a fixed order", () => {
    const bad: TArmStats = {
      requests: 1000,
      errors: 100,
      latencyP99Ms: 450,
      meanConfidence: 0.6,
      performance: { rocAuc: 0.7, accuracy: 0.8 },
    };
    const judgement = judgeCanary({ champion, challenger: bad, limits });
    expect(judgement.breaches.map((breach) => [breach.metric, breach.championValue, breach.challengerValue])).toEqual([
      ["error_rate", 0.01, 0.1],
      ["latency_p99", 100, 450],
      ["mean_confidence", 0.8, 0.6],
      ["roc_auc", 0.8, 0.7],
      ["accuracy", 0.9, 0.8],
    ]);
    expect(judgement.breaches[1]).toMatchObject({
      limit: 2,
      observedChange: 4.5,
      sentence: "p99 latency 450 ms against the champion's 100 ms: 4.5 times, more than the 2 times allowed.",
    });
    expect(judgement.breaches[2].sentence).toBe("Mean confidence 0.6 against the champion's 0.8: down 0.2, more than the 0.05 allowed.");
    expect(judgement.breaches[3].sentence).toBe("ROC AUC 0.7 against the champion's 0.8: down 0.1, more than the 0.03 allowed.");
    expect(judgement.sentence).toBe("Withdraw the canary: 5 limits breached.");
  });

  it("says which performance metrics it could not judge yet, instead of passing them silently", () => {
    const noLabels = judgeCanary({ champion, challenger: { ...healthy, performance: undefined }, limits });
    expect(noLabels).toMatchObject({ verdict: "continue", notJudged: ["roc_auc", "accuracy"] });
    expect(noLabels.sentence).toBe(
      "The canary is within every limit (roc_auc and accuracy not judged yet: no labelled outcomes in both arms).",
    );
    expect(judgeCanary({ champion, challenger: { ...healthy, performance: { rocAuc: 0.8 } }, limits }).notJudged).toEqual(["accuracy"]);
  });

  it("handles a champion p99 of 0 ms", () => {
    const instant = { ...champion, latencyP99Ms: 0 };
    expect(judgeCanary({ champion: instant, challenger: { ...healthy, latencyP99Ms: 0 }, limits }).verdict).toBe("continue");
    expect(judgeCanary({ champion: instant, challenger: { ...healthy, latencyP99Ms: 5 }, limits }).breaches[0]).toMatchObject({
      metric: "latency_p99",
      observedChange: Number.POSITIVE_INFINITY,
    });
  });

  it("uses the tier's limits: a 0.7-point error increase passes medium and fails high", () => {
    const challenger = { ...champion, errors: 17 };
    expect(judgeCanary({ champion, challenger, limits: DEFAULT_POLICIES.medium.canaryGuard }).verdict).toBe("continue");
    expect(judgeCanary({ champion, challenger, limits: DEFAULT_POLICIES.high.canaryGuard }).verdict).toBe("rollback");
  });
});

describe("ZArmStats", () => {
  it("refuses more errors than requests, naming the field", () => {
    const result = ZArmStats.safeParse({ ...champion, errors: 1001 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(["errors"]);
  });

  it("refuses a confidence outside 0–1 and a fractional request count", () => {
    expect(ZArmStats.safeParse({ ...champion, meanConfidence: 1.2 }).success).toBe(false);
    expect(ZArmStats.safeParse({ ...champion, requests: 10.5 }).success).toBe(false);
  });
});

describe("judgeCanary with the medium tier's defaults", () => {
  const medium = DEFAULT_POLICIES.medium.canaryGuard; // minRequests 200, error +0.01, p99 ×2, confidence −0.05, performance −0.02
  const base: TArmStats = { requests: 1000, errors: 10, latencyP99Ms: 4, meanConfidence: 0.85 };

  it("waits for enough requests in both arms", () => {
    expect(judgeCanary({ champion: base, challenger: { ...base, requests: 199 }, limits: medium }).verdict).toBe("insufficient_data");
  });

  it.each([
    // error rate: 10/1000 = 1 %; 20/1000 = 2 % is +1 point (at the limit) → continue; 21/1000 → +1.1 points → rollback
    ["error rate at the limit", { errors: 20 }, "continue", []],
    ["error rate past the limit", { errors: 21 }, "rollback", ["error_rate"]],
    // p99: 8 ms is 2× (at the limit); 8.1 ms is 2.025×
    ["p99 at twice the champion's", { latencyP99Ms: 8 }, "continue", []],
    ["p99 past twice the champion's", { latencyP99Ms: 8.1 }, "rollback", ["latency_p99"]],
    // confidence 0.85 → 0.80 is −0.05 (at the limit); 0.79 is −0.06
    ["confidence drop at the limit", { meanConfidence: 0.8 }, "continue", []],
    ["confidence drop past the limit", { meanConfidence: 0.79 }, "rollback", ["mean_confidence"]],
    ["several breaches", { errors: 50, latencyP99Ms: 20 }, "rollback", ["error_rate", "latency_p99"]],
  ] as const)("%s", (_name, change, verdict, metrics) => {
    const judgement = judgeCanary({ champion: base, challenger: { ...base, ...change }, limits: medium });
    expect(judgement.verdict).toBe(verdict);
    expect(judgement.breaches.map((breach) => breach.metric)).toEqual(metrics);
  });

  it("judges performance only when both arms have it", () => {
    const withAuc = (rocAuc: number): TArmStats => ({ ...base, performance: { rocAuc } });
    // 0.75 − 0.73 = 0.02, at the limit.
    expect(judgeCanary({ champion: withAuc(0.75), challenger: withAuc(0.73), limits: medium }).verdict).toBe("continue");
    const worse = judgeCanary({ champion: withAuc(0.75), challenger: withAuc(0.7), limits: medium });
    expect(worse.breaches.map((breach) => breach.metric)).toEqual(["roc_auc"]);
    expect(worse.breaches[0].sentence).toBe("ROC AUC 0.7 against the champion's 0.75: down 0.05, more than the 0.02 allowed.");
    expect(judgeCanary({ champion: base, challenger: base, limits: medium }).notJudged).toEqual(["roc_auc", "accuracy"]);
  });
});

describe("judgeCanaryBusiness", () => {
  // Arrival order alternates control, treatment, … (the order the guard reads outcomes in). Expected
  // figures: scipy.stats.ttest_ind(treatment, control, equal_var=False) and its confidence_interval(0.95),
  // and the mSPRT of Johari et al. 2017 (τ² = 0.01 (s₁² + s₂²), a look per value once both arms have 30)
  // written out separately in Python (numpy), not with the code under test.
  const n = 200;
  const base = (step: number) => Array.from({ length: n }, (_, i) => 100 + ((i * step) % 41) - 20);
  const control = base(37);
  const interleave = (treatment: number[]) => {
    const arms: string[] = [];
    const values: number[] = [];
    for (let i = 0; i < n; i += 1) {
      arms.push("control", "treatment");
      values.push(control[i], treatment[i]);
    }
    return compareArms(arms, values, "control", "treatment");
  };
  it.each([
    // name, shift of the treatment, verdict, difference, ciLow, ciHigh, always-valid p (Python)
    ["a significant loss holds", -6, "hold", -6.234999999999999, -8.575217888594763, -3.894782111405236, 0.0001849123310902877],
    [
      "a significant gain recommends promotion",
      6,
      "recommend_promotion",
      5.765000000000001,
      3.424782111405237,
      8.105217888594764,
      0.0003500463524089471,
    ],
    ["no significant difference keeps collecting", 1, "keep_collecting", 0.7650000000000006, -1.575217888594763, 3.105217888594764, 1],
  ] as const)("%s", (_, shift, verdict, difference, ciLow, ciHigh, alwaysValidPValue) => {
    const judgement = judgeCanaryBusiness(interleave(base(53).map((value) => value + shift)));
    expect(judgement.verdict).toBe(verdict);
    expect(judgement).toMatchObject({ controlN: n, treatmentN: n, test: "welch" });
    expect(judgement.difference).toBeCloseTo(difference, 10);
    expect(judgement.ciLow).toBeCloseTo(ciLow, 8);
    expect(judgement.ciHigh).toBeCloseTo(ciHigh, 8);
    expect(judgement.alwaysValidPValue! / alwaysValidPValue).toBeCloseTo(1, 8);
  });

  it("says what a hold does and that the guard never promotes", () => {
    expect(judgeCanaryBusiness(interleave(base(53).map((value) => value - 6))).sentence).toBe(
      "Hold: the challenger is behind on the business value (challenger − champion −6.235 per decision (95 % CI −8.575 to −3.895) over 200 and 200 values, always-valid p = 0.0001849 < 0.05). Do not raise its traffic or promote it; the guard does not withdraw it for this.",
    );
    expect(judgeCanaryBusiness(interleave(base(53).map((value) => value + 6))).sentence).toMatch(
      /^Recommend promotion: .* The committee decides; the guard never promotes\.$/,
    );
  });

  it("reads the always-valid p-value, not the fixed-horizon one", () => {
    // Fixed-horizon p = 0.001 (significant) but always-valid p = 0.2: repeated looks have not earned it yet.
    const comparison = {
      control: { n: 40, mean: 10, variance: 4 },
      treatment: { n: 40, mean: 8, variance: 4 },
      result: { difference: -2, standardError: 0.447, statistic: -4.47, pValue: 0.001, ciLow: -2.9, ciHigh: -1.1 },
      alwaysValidPValue: 0.2,
      test: "welch" as const,
    };
    expect(judgeCanaryBusiness(comparison).verdict).toBe("keep_collecting");
    // At the boundary: p exactly α is not below α.
    expect(judgeCanaryBusiness({ ...comparison, alwaysValidPValue: 0.05 }).verdict).toBe("keep_collecting");
    expect(judgeCanaryBusiness({ ...comparison, alwaysValidPValue: 0.0499 }).verdict).toBe("hold");
  });

  it("has nothing to judge without values in both arms", () => {
    expect(judgeCanaryBusiness(null)).toMatchObject({ verdict: "insufficient_data", controlN: 0, treatmentN: 0, alwaysValidPValue: null });
  });
});

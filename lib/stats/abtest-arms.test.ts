import { describe, expect, it } from "vitest";
import { armAdvice, armPanel } from "./abtest-arms";

describe("armPanel", () => {
  it("is Welch's t-test on the arms' values, as the CLI computes it", () => {
    // scipy.stats.ttest_ind([2,4,6,8], [1,2,3,4], equal_var=False)
    // → statistic=1.7320508075688774, pvalue=0.15158050484530375, df=4.411764705882353
    const rows = [1, 2, 3, 4].flatMap((value, index) => [
      { arm: "control" as const, value },
      { arm: "treatment" as const, value: [2, 4, 6, 8][index] },
    ]);
    const panel = armPanel(rows)!;
    expect(panel.test).toBe("welch");
    expect(panel.control).toMatchObject({ n: 4, mean: 2.5 });
    expect(panel.control.variance).toBeCloseTo(5 / 3, 12);
    expect(panel.treatment).toMatchObject({ n: 4, mean: 5 });
    expect(panel.result.difference).toBe(2.5);
    expect(panel.result.statistic).toBeCloseTo(1.7320508075688774, 10);
    expect(panel.result.pValue).toBeCloseTo(0.15158050484530375, 8);
    // Fewer than 30 values per arm: no look yet, so the always-valid p-value stays 1.
    expect(panel.alwaysValidPValue).toBe(1);
  });

  it("uses the two-proportion z-test for 0/1 values", () => {
    // 30/100 vs 45/100, pooled p = 0.375: z = 0.15 / √(0.375 · 0.625 · 0.02) = 2.19089 (by hand).
    const arm = (name: "control" | "treatment", ones: number) =>
      Array.from({ length: 100 }, (_, index) => ({ arm: name, value: index < ones ? 1 : 0 }));
    const panel = armPanel([...arm("control", 30), ...arm("treatment", 45)])!;
    expect(panel.test).toBe("two-proportion-z");
    expect(panel.result.difference).toBeCloseTo(0.15, 12);
    expect(panel.result.statistic).toBeCloseTo(0.15 / Math.sqrt(0.375 * 0.625 * 0.02), 10);
  });

  it("is empty while an arm has fewer than 2 values", () => {
    expect(armPanel([])).toBeNull();
    expect(
      armPanel([
        { arm: "control", value: 1 },
        { arm: "control", value: 2 },
        { arm: "treatment", value: 3 },
      ]),
    ).toBeNull();
  });
});

describe("armAdvice", () => {
  const result = (difference: number) => ({ difference, standardError: 1, statistic: null, pValue: null, ciLow: null, ciHigh: null });
  it("recommends promotion or a hold only once the always-valid p-value is below 0.05", () => {
    expect(armAdvice({ alwaysValidPValue: 0.049, result: result(3) })).toBe("recommend promotion");
    expect(armAdvice({ alwaysValidPValue: 0.049, result: result(-3) })).toBe("hold");
    expect(armAdvice({ alwaysValidPValue: 0.05, result: result(3) })).toBe("keep collecting");
  });
});

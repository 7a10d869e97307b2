import { describe, expect, it } from "vitest";
import { formatDay, formatKpiTick, formatKpiValue, formatUsd } from "./format";

describe("KPI formatting", () => {
  it.each([
    [1234.4, "USD", "$1,234"],
    [-1234.6, "usd", "\u2212$1,235"],
    [12.5, "USD", "$12.50"],
    [61.54, "%", "61.5 %"],
    [3.14159, "kg", "3.14 kg"],
    [1200, "", "1,200"],
    [null, "%", "—"],
  ] as const)("%s %s → %s", (value, unit, expected) => {
    expect(formatKpiValue(value, unit)).toBe(expected);
  });
  it("formats money, ticks and days", () => {
    expect(formatUsd(-2_395_800.4)).toBe("\u2212$2,395,800");
    expect(formatKpiTick(12_300, "USD")).toBe("$12.3K");
    expect(formatKpiTick(61.5, "%")).toBe("61.5");
    expect(formatDay("2026-03-07")).toBe("Mar 7");
  });
});

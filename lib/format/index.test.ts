import { describe, expect, it } from "vitest";
import { formatCount, formatDateTime, formatNumber, formatPercent } from "./index";

describe("format", () => {
  it.each([
    [formatDateTime(new Date("2026-11-24T21:05:09.123Z")), "2026-11-24 21:05 UTC"],
    [formatDateTime(null), "—"],
    [formatNumber(0.81234), "0.812"],
    [formatNumber(Number.NaN), "—"],
    [formatNumber("0.5"), "—"],
    [formatPercent(0.1234), "12.3 %"],
    [formatPercent(null), "—"],
    [formatCount(1234567), "1,234,567"],
  ])("%s", (actual, expected) => {
    expect(actual).toBe(expected);
  });
});

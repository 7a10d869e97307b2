import { describe, expect, it } from "vitest";
import {
  formatCount,
  formatDateTime,
  formatNumber,
  formatPercent,
  formatSigned,
  formatStandardError,
  formatUsdCompact,
  formatValue,
} from "./index";

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
    [formatValue(66738), "66,738"],
    [formatValue(0.2900000095367431), "0.29"],
    [formatValue(null), "—"],
    [formatValue(13469.03), "13,469"],
    [formatValue(29.203), "29.2"],
    [formatValue(0.04099), "0.041"],
    [formatValue(13469.03, 2), "13,469.03"],
    [formatSigned(0.031249), "+0.0312"],
    [formatSigned(-0.004), "−0.0040"],
    [formatSigned(-0.00001), "0.0000"],
    [formatStandardError(0.00123), "0.0012"],
    [formatStandardError(0.00001), "< 0.0001"],
    [formatStandardError(0), "0.0000"],
  ])("%s", (actual, expected) => {
    expect(actual).toBe(expected);
  });
});

describe("formatUsdCompact", () => {
  // Expected: Intl.NumberFormat("en-US", { style: "currency", currency: "USD", notation: "compact",
  // maximumFractionDigits: 1 }) with U+2212 for "-" and a no-break space before the suffix.
  it.each([
    [-704_723_265, "\u2212$704.7\u00a0M"],
    [32_616_753, "$32.6\u00a0M"],
    [1_234, "$1.2\u00a0K"],
    [1_000, "$1\u00a0K"],
    [999_960, "$1\u00a0M"],
    [2.4e9, "$2.4\u00a0B"],
    [-1.5e12, "\u2212$1.5\u00a0T"],
    [292.4, "$292"],
    [-45, "\u2212$45"],
    [4.256, "$4.26"],
    [0, "$0.00"],
    [-0.001, "$0.00"],
    [Number.NaN, "—"],
    [null, "—"],
  ])("%d → %s", (value, expected) => {
    expect(formatUsdCompact(value)).toBe(expected);
  });

  it("holds no ordinary space or line break: the suffix is glued with a no-break space", () => {
    expect(formatUsdCompact(-704_723_265)).not.toMatch(/[ \n]/);
  });
});

import { describe, expect, it } from "vitest";
import { countCrash, DEFAULT_RESTART_BACKOFF, restartDelayMs } from "./restart-backoff";

describe("restartDelayMs", () => {
  // Hand calculation: 500 ms × 2^(n−1), capped at 15,000 ms (500 × 2^5 = 16,000 is the first above the cap).
  it.each([
    [1, 500],
    [2, 1_000],
    [3, 2_000],
    [4, 4_000],
    [5, 8_000],
    [6, 15_000],
    [7, 15_000],
    [10_000, 15_000],
  ])("after %i crash(es) in a row waits %i ms", (crashes, expectedMs) => {
    expect(restartDelayMs(crashes)).toBe(expectedMs);
  });

  it("treats 0 crashes like the first", () => {
    expect(restartDelayMs(0)).toBe(500);
  });

  it("follows another policy", () => {
    expect(restartDelayMs(3, { initialDelayMs: 100, maxDelayMs: 250, resetAfterHealthyMs: 1_000 })).toBe(250);
  });
});

describe("countCrash", () => {
  it("adds a crash when the child died young", () => {
    expect(countCrash(4, 59_999)).toBe(5);
  });

  it("starts again from one crash after a healthy minute", () => {
    expect(countCrash(6, DEFAULT_RESTART_BACKOFF.resetAfterHealthyMs)).toBe(1);
    expect(restartDelayMs(countCrash(6, 120_000))).toBe(500);
  });
});

import { describe, expect, it } from "vitest";
import { nextAlertState } from "./backlog-alert";

describe("nextAlertState", () => {
  it.each([
    [11, false, "fire"],
    [10, false, "keep"], // at the threshold: not above it
    [8, true, "keep"], // between the lines: stays firing
    [5, true, "resolve"], // back at the resolve line
    [20, true, "keep"],
    [0, false, "keep"],
  ] as const)("%d overdue, firing %s → %s", (overdue, firing, expected) => {
    expect(nextAlertState({ overdue, threshold: 10, resolveAt: 5, firing })).toBe(expected);
  });
});

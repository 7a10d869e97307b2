import { describe, expect, it } from "vitest";
import { admitAuditRecord, type TAuditBudget } from "./audit-budget";

const options = { limit: 2, windowMs: 60_000 };

describe("admitAuditRecord", () => {
  it("admits `limit` records a window, counts the rest, and reports the count on the next record admitted", () => {
    let budget: TAuditBudget = { windowStartMs: 0, admitted: 0, suppressed: 0 };
    const seen: Array<[boolean, number]> = [];
    // Four in the first window (two admitted, two suppressed), then one in the next.
    for (const nowMs of [1_000, 2_000, 3_000, 4_000, 61_000]) {
      const result = admitAuditRecord(budget, nowMs, options);
      budget = result.budget;
      seen.push([result.admit, result.suppressedBefore]);
    }
    expect(seen).toEqual([
      [true, 0],
      [true, 0],
      [false, 0],
      [false, 0],
      [true, 2],
    ]);
    expect(budget).toEqual({ windowStartMs: 61_000, admitted: 1, suppressed: 0 });
  });
});

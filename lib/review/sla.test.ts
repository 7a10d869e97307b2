import { describe, expect, it } from "vitest";
import { slaState } from "./sla";

const createdAt = new Date("2026-11-24T00:00:00Z");
const dueAt = new Date("2026-11-25T00:00:00Z");

describe("slaState", () => {
  it.each([
    ["2026-11-24T12:00:00Z", "on_track"],
    // 24 h window, due soon in the last 6 h: from 18:00 on.
    ["2026-11-24T17:59:59Z", "on_track"],
    ["2026-11-24T18:00:00Z", "due_soon"],
    ["2026-11-24T23:59:59Z", "due_soon"],
    ["2026-11-25T00:00:00Z", "overdue"],
    ["2026-11-26T00:00:00Z", "overdue"],
  ])("at %s it is %s", (now, expected) => {
    expect(slaState({ now: new Date(now), createdAt, dueAt })).toBe(expected);
  });
});

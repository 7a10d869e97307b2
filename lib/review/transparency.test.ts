import { describe, expect, it } from "vitest";
import { overrideRate, transparencyCsvRows, transparencyMarkdown, type TTransparencyReport } from "./transparency";

const report: TTransparencyReport = {
  model: "credit-default",
  from: "2026-11-01",
  to: "2026-11-24",
  byReason: [
    { reason: "low_confidence", routed: 10, decided: 8, overridden: 2 },
    { reason: "random_sample", routed: 3, decided: 0, overridden: 0 },
  ],
  byGroup: [{ attribute: "sex", group: "female", decided: 4, overridden: 1 }],
  medianMinutesToDecision: 12.5,
  p90MinutesToDecision: 40,
  backlog: [{ day: "2026-11-24", open: 5 }],
};

describe("transparency report", () => {
  it("override rate is overridden ÷ decided, null without decisions", () => {
    expect(overrideRate({ decided: 8, overridden: 2 })).toBe(0.25);
    expect(overrideRate({ decided: 0, overridden: 0 })).toBeNull();
  });
  it("renders Markdown tables with rates", () => {
    const markdown = transparencyMarkdown(report);
    expect(markdown).toContain("| low_confidence | 10 | 8 | 2 | 25.0 % |");
    expect(markdown).toContain("| random_sample | 3 | 0 | 0 | — |");
    expect(markdown).toContain("| sex | female | 4 | 1 | 25.0 % |");
    expect(markdown).toContain("median 12.5 min, p90 40.0 min");
  });
  it("flattens rows for CSV", () => {
    expect(transparencyCsvRows(report)[0]).toEqual({
      section: "reason",
      key: "low_confidence",
      group: "",
      routed: 10,
      decided: 8,
      overridden: 2,
      override_rate: 0.25,
    });
    expect(transparencyCsvRows(report)).toHaveLength(3);
  });
});

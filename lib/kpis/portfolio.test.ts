import { describe, expect, it } from "vitest";
import type { TPortfolioModel } from "@/lib/types/kpis";
import { buildPortfolioEntries, projectCostOutlook, summarizePortfolio } from "./portfolio";

const costSettings = { instancePricePerHourUsd: 1, instances: 1, reviewCostPerItemUsd: 10 };
const measured = { monthlyPredictions: 10_000, reviewRate: 0.02, valueAddedPerPrediction: 15 };

describe("projectCostOutlook", () => {
  it("is the cost page's maintain path at its opening assumptions (2 % volume growth, 3 % decay a month)", () => {
    // Month m adds 10,000 × 1.02^(m−1) × $15 × 0.97^(m−1) = 150,000 × 0.9894^(m−1) over the baseline,
    // costs 10,000 × 1.02^(m−1) × 0.02 × 10 = 2,000 × 1.02^(m−1) in review and 1 × 730 h = 730 in compute.
    // Twelve months are geometric sums: 150,000 × (1 − 0.9894¹²) / 0.0106 − 2,000 × (1.02¹² − 1) / 0.02 − 12 × 730.
    const expected = (150_000 * (1 - 0.9894 ** 12)) / 0.0106 - (2_000 * (1.02 ** 12 - 1)) / 0.02 - 12 * 730;
    const outlook = projectCostOutlook({ costSettings, measured });
    expect(outlook?.monthlyComputeCostUsd).toBe(730);
    expect(outlook?.projectedNetValueUsd).toBeCloseTo(expected, 6);
    expect(outlook?.measuredErrorRates).toBe(true);
  });

  it("counts costs only while no value over the baseline is measured", () => {
    const outlook = projectCostOutlook({ costSettings, measured: { ...measured, reviewRate: 0, valueAddedPerPrediction: null } });
    expect(outlook?.projectedNetValueUsd).toBeCloseTo(-12 * 730, 6);
    expect(outlook?.measuredErrorRates).toBe(false);
  });

  it("is null for cost settings that do not parse", () => {
    expect(projectCostOutlook({ costSettings: { instances: 0 }, measured })).toBeNull();
  });
});

describe("summarizePortfolio", () => {
  const model = (overrides: Partial<TPortfolioModel>): TPortfolioModel => ({
    id: "id",
    slug: "m",
    displayName: "M",
    riskTier: "low",
    businessKpi: "",
    championVersion: "1.0.0",
    killSwitch: false,
    costSettings,
    openCriticalAlerts: 0,
    openWarningAlerts: 0,
    openInfoAlerts: 0,
    openReviewItems: 0,
    latestDrift: null,
    openIncidents: [],
    ...overrides,
  });

  it("adds up health of production models, open alerts and backlog of all, and money of production models", () => {
    const entries = buildPortfolioEntries([
      { model: model({ slug: "a", openReviewItems: 4, openInfoAlerts: 1 }), measured },
      // Health comes from unresolved incidents (lib/kpis/health.ts), not from alert counts or the daily drift verdict.
      {
        model: model({
          slug: "b",
          openCriticalAlerts: 1,
          openReviewItems: 1,
          openIncidents: [{ id: "i1", title: "B: canary", severity: "critical" }],
        }),
        measured,
      },
      {
        model: model({
          slug: "c",
          latestDrift: { day: "2026-03-01", status: "breach" },
          openIncidents: [{ id: "i2", title: "C: input drift", severity: "warning" }],
          costSettings: { instances: -1 },
        }),
        measured,
      },
      {
        model: model({
          slug: "d",
          championVersion: null,
          openWarningAlerts: 2,
          openReviewItems: 3,
          openIncidents: [{ id: "i3", title: "D: input drift", severity: "warning" }],
        }),
        measured,
      },
    ]);
    expect(entries.map((entry) => [entry.model.slug, entry.inProduction, entry.health])).toEqual([
      ["a", true, "healthy"],
      ["b", true, "failing"],
      ["c", true, "warning"],
      ["d", false, "warning"],
    ]);
    expect(entries[3].cost).toBeNull();
    const summary = summarizePortfolio(entries);
    const perModel = projectCostOutlook({ costSettings, measured })!;
    expect(summary).toEqual({
      inProduction: 3,
      healthy: 1,
      warning: 1,
      failing: 1,
      openAlerts: 4,
      reviewBacklog: 8,
      monthlyComputeCostUsd: 1_460,
      projectedNetValueUsd: 2 * perModel.projectedNetValueUsd,
      modelsOnPlaceholderRates: 0,
      modelsWithoutCost: 1,
    });
  });
});

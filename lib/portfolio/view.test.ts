import { describe, expect, it } from "vitest";
import { applyPortfolioQuery, parsePortfolioQuery, type TPortfolioRow } from "./view";

function row(slug: string, fields: Partial<TPortfolioRow> = {}): TPortfolioRow {
  return {
    id: slug,
    slug,
    displayName: slug.replace(/-/g, " "),
    riskTier: "medium",
    ownerName: null,
    championVersion: "1.0.0",
    challengerVersion: null,
    deploymentMode: "off",
    canaryPercent: 0,
    killSwitch: false,
    health: "healthy",
    healthReasons: [],
    drift: null,
    disparateImpact: null,
    realizedRocAuc: null,
    estimatedRocAuc: null,
    openAlerts: 0,
    openIncidents: 0,
    pendingApprovals: 0,
    predictionsLast24h: 0,
    ...fields,
  };
}
const stat = (value: number | null) => ({ value, status: "ok" as const, day: "2026-12-01" });

const rows = [
  row("card-fraud", { riskTier: "high", health: "warning", drift: stat(0.4), predictionsLast24h: 900, ownerName: "Sam Scientist" }),
  row("churn", { riskTier: "low", health: "healthy", drift: stat(0.1), predictionsLast24h: 50, pendingApprovals: 1 }),
  row("credit-default", { health: "failing", drift: null, disparateImpact: stat(0.7), predictionsLast24h: 300, openIncidents: 2 }),
];
const slugs = (list: TPortfolioRow[]) => list.map((item) => item.slug);

describe("parsePortfolioQuery", () => {
  it("keeps known values and drops unknown ones instead of failing", () => {
    expect(parsePortfolioQuery({ sort: "volume", dir: "asc", tier: "high", health: "failing", q: "  fraud " })).toEqual({
      sort: "volume",
      dir: "asc",
      tier: "high",
      health: "failing",
      q: "fraud",
    });
    expect(parsePortfolioQuery({ sort: "'; drop table", dir: "sideways", tier: "extreme", health: "meh", q: "" })).toEqual({
      sort: "health",
      dir: undefined,
      tier: undefined,
      health: undefined,
      q: undefined,
    });
    expect(parsePortfolioQuery({ sort: ["di", "name"] }).sort).toBe("di");
  });
});

describe("applyPortfolioQuery", () => {
  it("by default puts the worst health first", () => {
    expect(slugs(applyPortfolioQuery(rows, parsePortfolioQuery({})))).toEqual(["credit-default", "card-fraud", "churn"]);
  });

  it("sorts by drift, most first; a model without a drift figure goes last in either direction", () => {
    expect(slugs(applyPortfolioQuery(rows, parsePortfolioQuery({ sort: "drift" })))).toEqual(["card-fraud", "churn", "credit-default"]);
    expect(slugs(applyPortfolioQuery(rows, parsePortfolioQuery({ sort: "drift", dir: "asc" })))).toEqual([
      "churn",
      "card-fraud",
      "credit-default",
    ]);
  });

  it("sorts by volume, pending approvals and incidents, largest first", () => {
    expect(slugs(applyPortfolioQuery(rows, parsePortfolioQuery({ sort: "volume" })))).toEqual(["card-fraud", "credit-default", "churn"]);
    expect(slugs(applyPortfolioQuery(rows, parsePortfolioQuery({ sort: "pending" })))[0]).toBe("churn");
    expect(slugs(applyPortfolioQuery(rows, parsePortfolioQuery({ sort: "incidents" })))[0]).toBe("credit-default");
  });

  it("filters by tier, health and text in the name, slug or owner", () => {
    expect(slugs(applyPortfolioQuery(rows, parsePortfolioQuery({ tier: "high" })))).toEqual(["card-fraud"]);
    expect(slugs(applyPortfolioQuery(rows, parsePortfolioQuery({ health: "healthy" })))).toEqual(["churn"]);
    expect(slugs(applyPortfolioQuery(rows, parsePortfolioQuery({ q: "sam" })))).toEqual(["card-fraud"]);
    expect(slugs(applyPortfolioQuery(rows, parsePortfolioQuery({ q: "credit", tier: "low" })))).toEqual([]);
  });
});

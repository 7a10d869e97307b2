import { z } from "zod";
import type { TModelHealth } from "../kpis/health";
import type { TMonitorStatus } from "../types/monitoring";
import { RISK_TIERS, type TRiskTier } from "../governance/policy";

/**
 * The /models portfolio: one row per model, sorted and filtered by what the URL says. Pure, so
 * the page stays thin and the rules (where a missing value sorts, what a bad parameter does) are tested.
 */

/** A statistic of the latest daily monitoring window, with its verdict. */
export type TLatestStatistic = { value: number | null; status: TMonitorStatus; day: string } | null;

export type TPortfolioRow = {
  id: string;
  slug: string;
  displayName: string;
  riskTier: TRiskTier;
  ownerName: string | null;
  championVersion: string | null;
  challengerVersion: string | null;
  deploymentMode: "off" | "shadow" | "canary";
  canaryPercent: number;
  killSwitch: boolean;
  health: TModelHealth;
  healthReasons: string[];
  /** Share of features drifted in the latest daily window. */
  drift: TLatestStatistic;
  /** The lowest disparate impact over the sensitive attributes in the latest daily window. */
  disparateImpact: TLatestStatistic;
  realizedRocAuc: TLatestStatistic;
  estimatedRocAuc: TLatestStatistic;
  openAlerts: number;
  openIncidents: number;
  pendingApprovals: number;
  predictionsLast24h: number;
};

const PORTFOLIO_SORTS = ["name", "risk", "health", "drift", "di", "realized", "estimated", "incidents", "pending", "volume"] as const;
export type TPortfolioSort = (typeof PORTFOLIO_SORTS)[number];
const HEALTHS = ["healthy", "warning", "failing"] as const;

/**
 * The URL's sort, direction and filters. A value that is not one of the choices is dropped (the
 * default applies) rather than refused: a hand-edited or stale link still opens the page.
 */
const ZPortfolioQuery = z.object({
  sort: z.enum(PORTFOLIO_SORTS).catch("health"),
  dir: z.enum(["asc", "desc"]).optional().catch(undefined),
  tier: z.enum(RISK_TIERS).optional().catch(undefined),
  health: z.enum(HEALTHS).optional().catch(undefined),
  q: z
    .string()
    .max(100)
    .optional()
    .catch(undefined)
    .transform((value) => value?.trim() || undefined),
});
export type TPortfolioQuery = z.infer<typeof ZPortfolioQuery>;

export function parsePortfolioQuery(params: Record<string, string | string[] | undefined>): TPortfolioQuery {
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  return ZPortfolioQuery.parse({
    sort: first(params.sort),
    dir: first(params.dir),
    tier: first(params.tier),
    health: first(params.health),
    q: first(params.q),
  });
}

const HEALTH_RANK: Record<TModelHealth, number> = { failing: 0, warning: 1, healthy: 2 };
const RISK_RANK: Record<TRiskTier, number> = { high: 0, medium: 1, low: 2 };

/**
 * Each sort's key and the direction it takes when the URL gives none: the worst first (failing,
 * most drift, lowest DI or AUC, most incidents or pending approvals, most traffic), names A–Z.
 */
const SORTS: Record<TPortfolioSort, { key: (row: TPortfolioRow) => number | string | null; dir: "asc" | "desc" }> = {
  name: { key: (row) => row.displayName.toLowerCase(), dir: "asc" },
  risk: { key: (row) => RISK_RANK[row.riskTier], dir: "asc" },
  health: { key: (row) => HEALTH_RANK[row.health], dir: "asc" },
  drift: { key: (row) => row.drift?.value ?? null, dir: "desc" },
  di: { key: (row) => row.disparateImpact?.value ?? null, dir: "asc" },
  realized: { key: (row) => row.realizedRocAuc?.value ?? null, dir: "asc" },
  estimated: { key: (row) => row.estimatedRocAuc?.value ?? null, dir: "asc" },
  incidents: { key: (row) => row.openIncidents * 1_000_000 + row.openAlerts, dir: "desc" },
  pending: { key: (row) => row.pendingApprovals, dir: "desc" },
  volume: { key: (row) => row.predictionsLast24h, dir: "desc" },
};

export function defaultDirection(sort: TPortfolioSort): "asc" | "desc" {
  return SORTS[sort].dir;
}

/** The rows the query keeps, in its order; a missing value sorts last either way, ties by name. */
export function applyPortfolioQuery(rows: readonly TPortfolioRow[], query: TPortfolioQuery): TPortfolioRow[] {
  const needle = query.q?.toLowerCase();
  const kept = rows.filter(
    (row) =>
      (!query.tier || row.riskTier === query.tier) &&
      (!query.health || row.health === query.health) &&
      (!needle ||
        row.displayName.toLowerCase().includes(needle) ||
        row.slug.includes(needle) ||
        (row.ownerName ?? "").toLowerCase().includes(needle)),
  );
  const { key } = SORTS[query.sort];
  const sign = (query.dir ?? SORTS[query.sort].dir) === "asc" ? 1 : -1;
  const byName = (a: TPortfolioRow, b: TPortfolioRow) => a.displayName.localeCompare(b.displayName, "en");
  return [...kept].sort((a, b) => {
    const left = key(a);
    const right = key(b);
    if (left === null || right === null) return left === right ? byName(a, b) : left === null ? 1 : -1;
    if (left === right) return byName(a, b);
    return (left < right ? -1 : 1) * sign;
  });
}

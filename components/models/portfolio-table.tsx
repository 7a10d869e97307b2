import Link from "next/link";
import type { ReactNode } from "react";
import { Badge, type TBadgeTone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { formatCount, formatNumber, formatPercent } from "@/lib/format";
import {
  defaultDirection,
  type TLatestStatistic,
  type TPortfolioQuery,
  type TPortfolioRow,
  type TPortfolioSort,
} from "@/lib/portfolio/view";

/**
 * The /models portfolio: one row per model, every column a link that sorts by it (the state is the
 * URL, so a sorted, filtered view can be shared). The table scrolls inside its card on a narrow screen.
 */

const RISK_TONE = { low: "ok", medium: "warn", high: "bad" } as const;
const HEALTH_TONE = { healthy: "ok", warning: "warn", failing: "bad" } as const;
const STATUS_TONE: Record<string, TBadgeTone> = { ok: "ok", warning: "warn", breach: "bad", unknown: "neutral" };

/** The URL of this view with some parameters changed; undefined drops a parameter. */
function portfolioHref(query: TPortfolioQuery, change: Partial<Record<keyof TPortfolioQuery, string | undefined>>): string {
  const merged: Record<string, string | undefined> = { ...query, ...change };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(merged)) if (value) params.set(key, value);
  // The default sort needs no parameter: /models is the worst-health-first view.
  if (params.get("sort") === "health" && !params.get("dir")) params.delete("sort");
  const text = params.toString();
  return text ? `/models?${text}` : "/models";
}

function SortHeader({ sort, label, query, numeric }: { sort: TPortfolioSort; label: string; query: TPortfolioQuery; numeric?: boolean }) {
  const active = query.sort === sort;
  const direction = query.dir ?? defaultDirection(query.sort);
  // A second click on the active column turns its direction round.
  const next = active ? (direction === "asc" ? "desc" : "asc") : undefined;
  return (
    <th
      scope="col"
      className={numeric ? "num" : undefined}
      aria-sort={active ? (direction === "asc" ? "ascending" : "descending") : undefined}
    >
      <Link href={portfolioHref(query, { sort, dir: next })}>
        {label}
        {active ? <span aria-hidden="true">{direction === "asc" ? " ▲" : " ▼"}</span> : null}
      </Link>
    </th>
  );
}

function Figure({ stat, format }: { stat: TLatestStatistic; format: (value: number) => string }): ReactNode {
  if (!stat || stat.value === null) return <span className="muted">—</span>;
  return (
    <span title={`latest daily window, ${stat.day}`}>
      <Badge tone={STATUS_TONE[stat.status] ?? "neutral"}>{format(stat.value)}</Badge>
    </span>
  );
}

function Deployment({ row }: { row: TPortfolioRow }) {
  if (row.killSwitch) return <Badge tone="bad">kill switch on</Badge>;
  if (row.deploymentMode === "off") return <span className="muted">alone</span>;
  return (
    <Badge tone="info">
      {row.deploymentMode === "canary" ? `canary ${row.canaryPercent} %` : "shadow"} <span className="mono">{row.challengerVersion}</span>
    </Badge>
  );
}

export function PortfolioTable({ rows, total, query }: { rows: TPortfolioRow[]; total: number; query: TPortfolioQuery }) {
  if (total === 0) {
    return (
      <EmptyState title="No models registered yet">
        <p>A data scientist registers a model and its first version from the registry or the CLI.</p>
      </EmptyState>
    );
  }
  if (rows.length === 0) {
    return (
      <EmptyState title="No model matches these filters">
        <p>
          {formatCount(total)} models in all. <Link href="/models">Clear the filters</Link>.
        </p>
      </EmptyState>
    );
  }
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Models" aria-describedby="portfolio-legend">
        <thead>
          <tr>
            <SortHeader sort="name" label="Model" query={query} />
            <SortHeader sort="risk" label="Risk" query={query} />
            <SortHeader sort="health" label="Health" query={query} />
            <th scope="col">Serving</th>
            <SortHeader sort="drift" label="Drift" query={query} numeric />
            <SortHeader sort="di" label="DI" query={query} numeric />
            <SortHeader sort="realized" label="AUC" query={query} numeric />
            <SortHeader sort="estimated" label="AUC est." query={query} numeric />
            <SortHeader sort="incidents" label="Incidents" query={query} numeric />
            <SortHeader sort="pending" label="Approvals" query={query} numeric />
            <SortHeader sort="volume" label="24 h" query={query} numeric />
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <td style={{ minWidth: 160 }}>
                <Link href={`/models/${row.slug}`}>
                  <strong>{row.displayName}</strong>
                </Link>
                <div className="muted mono">{row.slug}</div>
              </td>
              <td>
                <Badge tone={RISK_TONE[row.riskTier]}>{row.riskTier}</Badge>
              </td>
              <td>
                <span title={row.healthReasons.join("; ") || "no open warning or critical incident"}>
                  <Badge tone={HEALTH_TONE[row.health]}>{row.health}</Badge>
                </span>
              </td>
              <td>
                {row.championVersion ? <span className="mono">{row.championVersion}</span> : <span className="muted">no champion</span>}
                <div>
                  <Deployment row={row} />
                </div>
              </td>
              <td className="num">
                <Figure stat={row.drift} format={(value) => formatPercent(value, 0)} />
              </td>
              <td className="num">
                <Figure stat={row.disparateImpact} format={(value) => formatNumber(value, 2)} />
              </td>
              <td className="num">
                <Figure stat={row.realizedRocAuc} format={(value) => formatNumber(value, 3)} />
              </td>
              <td className="num">
                <Figure stat={row.estimatedRocAuc} format={(value) => formatNumber(value, 3)} />
              </td>
              <td className="num">
                {row.openIncidents || row.openAlerts ? (
                  <Link href="/alerts" aria-label={`${row.openIncidents} open incidents, ${row.openAlerts} open alerts`}>
                    {formatCount(row.openIncidents)}
                    <span className="muted"> · {formatCount(row.openAlerts)} alerts</span>
                  </Link>
                ) : (
                  <span className="muted">0</span>
                )}
              </td>
              <td className="num">
                {row.pendingApprovals ? (
                  <Link href={`/models/${row.slug}#versions-heading`}>
                    <Badge tone="warn">{formatCount(row.pendingApprovals)}</Badge>
                  </Link>
                ) : (
                  <span className="muted">0</span>
                )}
              </td>
              <td className="num">{formatCount(row.predictionsLast24h)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p id="portfolio-legend" className="muted" style={{ margin: 0, padding: "8px 12px", fontSize: 12.5 }}>
        Latest daily window: drift is the share of features drifted, DI the lowest disparate impact over the sensitive attributes, AUC the
        champion&apos;s ROC AUC on labelled outcomes and AUC est. its estimate before labels arrive (CBPE). Incidents counts open incidents
        and alerts; approvals, requests waiting for the committee; 24 h, predictions answered.
      </p>
    </div>
  );
}

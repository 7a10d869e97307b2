"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import type { TMonitoringView } from "@/lib/types/monitoring";
import {
  DriftSeriesChart,
  GroupRatesChart,
  HistogramChart,
  MetricLinesChart,
  VolumeChart,
  windowLabel,
} from "@/components/charts/monitoring-charts";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { MONITOR_RANGES, type TMonitorRange, type TVerdict } from "@/lib/monitoring/dashboard";

const REFRESH_MS = 30_000;
const STATUS_TEXT = { ok: "no drift", warning: "past 0.1, not supported", breach: "drift", unknown: "not enough data" } as const;
const DRIFT_WORDS = {
  ok: "no drift",
  warning: "past the threshold, not supported",
  breach: "drift",
  unknown: "too few predictions",
} as const;
const FAIRNESS_WORDS = {
  ok: "within four-fifths",
  warning: "below 0.8, not supported",
  breach: "below four-fifths",
  unknown: "too few predictions",
} as const;
const TONE = { ok: "ok", warning: "warn", breach: "bad", unknown: "neutral" } as const;
/** "13:00–14:00 UTC" for an hour's start. */
const hourLabel = (start: string) => `${start.slice(11, 13)}:00–${String((Number(start.slice(11, 13)) + 1) % 24).padStart(2, "0")}:00 UTC`;
const number = (value: number | null | undefined, digits = 3) => (value === null || value === undefined ? "—" : value.toFixed(digits));
const percent = (value: number | null | undefined) => (value === null || value === undefined ? "—" : `${(value * 100).toFixed(1)} %`);

type TProps = { slug: string; range: TMonitorRange; feature?: string; version?: string; initial: TMonitoringView };

/** The live monitoring view: server-rendered first, then refreshed every 30 s by react-query. */
export function MonitoringDashboard({ slug, range, feature, version, initial }: TProps) {
  const params = new URLSearchParams({ range, ...(feature ? { feature } : {}), ...(version ? { version } : {}) });
  const query = useQuery({
    queryKey: ["monitoring", slug, range, feature ?? "", version ?? ""],
    queryFn: async (): Promise<TMonitoringView> => {
      const response = await fetch(`/api/v1/models/${slug}/monitoring?${params}`, { cache: "no-store" });
      if (!response.ok)
        throw new Error(((await response.json().catch(() => ({}))) as { message?: string }).message ?? `HTTP ${response.status}`);
      return response.json();
    },
    initialData: initial,
    refetchInterval: REFRESH_MS,
  });
  const view = query.data;
  const dashboard = view.dashboard;
  const link = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams({ range, ...(feature ? { feature } : {}), ...(version ? { version } : {}) });
    for (const [key, value] of Object.entries(changes))
      if (value === undefined) next.delete(key);
      else next.set(key, value);
    return `/models/${slug}/monitoring?${next}`;
  };

  return (
    <div className="stack">
      <div className="filter-bar" style={{ display: "flex", gap: 12, alignItems: "center", flexWrap: "wrap" }}>
        <nav className="segmented" aria-label="Time range">
          {(Object.keys(MONITOR_RANGES) as TMonitorRange[]).map((key) => (
            <Link key={key} href={link({ range: key })} aria-current={key === range ? "page" : undefined}>
              {MONITOR_RANGES[key].label}
            </Link>
          ))}
        </nav>
        {view.versions.length > 1 ? (
          <nav className="segmented" aria-label="Version">
            {view.versions.map((candidate) => (
              <Link
                key={candidate.id}
                href={link({ version: candidate.version })}
                aria-current={candidate.id === view.version?.id ? "page" : undefined}
              >
                v{candidate.version}
              </Link>
            ))}
          </nav>
        ) : null}
        <span className="muted" role="status" aria-live="polite">
          {query.isFetching
            ? "Refreshing…"
            : query.isError
              ? `Refresh failed: ${query.error.message}`
              : `Live · refreshed every 30 s · panel computed in ${view.serverMs.toFixed(0)} ms`}
        </span>
      </div>

      {view.openAlerts.length ? (
        <section className="card" aria-labelledby="open-alerts-heading">
          <h2 id="open-alerts-heading">Open alerts</h2>
          <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0, gap: 8 }}>
            {view.openAlerts.map((alert) => (
              <li key={alert.id}>
                <Badge tone={alert.severity === "critical" ? "bad" : alert.severity === "warning" ? "warn" : "info"}>
                  {alert.severity}
                </Badge>{" "}
                <strong>{alert.title}</strong> <span className="muted">{alert.message}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {!dashboard || dashboard.windows.length === 0 ? (
        <EmptyState title="No monitoring windows yet">
          The worker summarises predictions every minute into hourly and daily windows. Send traffic (the demo simulator does) and this page
          fills in.
        </EmptyState>
      ) : (
        <>
          <div className="stat-grid">
            <Stat
              label={`Predictions, ${MONITOR_RANGES[range].label}`}
              value={dashboard.rowCount.toLocaleString("en-US")}
              detail={`v${view.version?.version} · ${dashboard.windows.length} ${dashboard.granularity === "hour" ? "hourly" : "daily"} windows`}
            />
            <Stat
              label="Dataset drift, latest complete hour"
              value={percent(dashboard.latestHour?.dataset?.value)}
              detail={
                dashboard.latestHour
                  ? `share of features drifting, ${hourLabel(dashboard.latestHour.start)} (the hour alert rules judge; drift at ≥ 50 %): ${
                      DRIFT_WORDS[dashboard.latestHour.dataset?.status ?? "unknown"]
                    }`
                  : "no predictions in the latest complete hour"
              }
            />
            <Stat
              label={`ROC AUC, realized, ${MONITOR_RANGES[range].label}`}
              value={number(dashboard.performanceTotals.realized.rocAuc)}
              detail={`${dashboard.performanceTotals.labelled.toLocaleString("en-US")} predictions with outcomes`}
            />
            <Stat
              label={`ROC AUC, estimated, ${MONITOR_RANGES[range].label}`}
              value={number(dashboard.performanceTotals.estimated.rocAuc)}
              detail="CBPE, from calibrated confidences (no labels)"
            />
            <Stat
              label={`p99 latency, ${MONITOR_RANGES[range].label}`}
              value={dashboard.latencyTotals.p99Ms === null ? "—" : `${dashboard.latencyTotals.p99Ms.toFixed(1)} ms`}
              detail={`p50 ${dashboard.latencyTotals.p50Ms?.toFixed(1) ?? "—"} ms, in the worker`}
            />
          </div>

          <section className="card" aria-labelledby="heatmap-heading">
            <h2 id="heatmap-heading">Data drift by feature and window</h2>
            <p className="muted" style={{ marginTop: 0 }}>
              Normed Wasserstein distance (numerical) or Jensen–Shannon distance (categorical) against the version&apos;s reference data;
              drift at ≥ 0.1 (Evidently&apos;s defaults for references over 1,000 rows) when the window has at least 500 predictions and the
              statistic&apos;s lower bound is past 0.1 too; an estimate past 0.1 whose bound is not is marked &ldquo;not supported&rdquo;.
              The last two columns are the latest complete hour (the window alert rules judge) and the whole range. Select a feature for its
              history and histograms.
            </p>
            <div className="table-wrap">
              <table className="table heatmap" aria-label="Drift heat map">
                <thead>
                  <tr>
                    <th scope="col">{dashboard.granularity === "hour" ? "Feature \\ hour (UTC)" : "Feature \\ day"}</th>
                    {dashboard.windows.map((start) => (
                      <th key={start} scope="col" className="mono heat-head" title={windowLabel(start, dashboard.granularity)}>
                        {dashboard.granularity === "hour" ? start.slice(11, 13) : start.slice(5, 10)}
                      </th>
                    ))}
                    <th scope="col">Latest complete hour{dashboard.latestHour ? ` (${hourLabel(dashboard.latestHour.start)})` : ""}</th>
                    <th scope="col">Range ({MONITOR_RANGES[range].label})</th>
                  </tr>
                </thead>
                <tbody>
                  <tr>
                    <th scope="row">Dataset (% of features drifting)</th>
                    {dashboard.heatmap.dataset.map((cell) => (
                      <td key={cell.start} className={`heat ${cell.status}`} title={`${percent(cell.value)} · ${STATUS_TEXT[cell.status]}`}>
                        {cell.value === null ? "" : Math.round(cell.value * 100)}
                      </td>
                    ))}
                    <td>
                      <VerdictBadge verdict={dashboard.latestHour?.dataset ?? null} words={DRIFT_WORDS} digits={2} />
                    </td>
                    <td className="muted">—</td>
                  </tr>
                  {dashboard.heatmap.features.map((row) => (
                    <tr key={row.name} aria-selected={dashboard.feature?.name === row.name}>
                      <th scope="row">
                        <Link href={link({ feature: row.name })}>{row.name}</Link>
                      </th>
                      {row.cells.map((cell) => (
                        <td
                          key={cell.start}
                          className={`heat ${cell.status}`}
                          title={`${row.name} ${windowLabel(cell.start, dashboard.granularity)}: ${number(cell.value)} · ${STATUS_TEXT[cell.status]}`}
                        >
                          {number(cell.value, 2)}
                        </td>
                      ))}
                      <td>
                        <VerdictBadge verdict={row.latestHour} words={DRIFT_WORDS} />
                      </td>
                      <td>
                        <VerdictBadge verdict={row.range} words={DRIFT_WORDS} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="muted heat-legend">
              <span className="heat ok">ok</span>{" "}
              <span className="heat warning">past the threshold, not supported (or some features drift)</span>{" "}
              <span className="heat breach">drift</span> <span className="heat unknown">too few predictions</span>
            </p>
          </section>

          {dashboard.feature ? (
            <section className="card" aria-labelledby="feature-heading">
              <h2 id="feature-heading">
                {dashboard.feature.name}{" "}
                <VerdictBadge
                  verdict={dashboard.heatmap.features.find((row) => row.name === dashboard.feature?.name)?.latestHour ?? null}
                  words={DRIFT_WORDS}
                  window="latest complete hour"
                />{" "}
                <VerdictBadge
                  verdict={dashboard.heatmap.features.find((row) => row.name === dashboard.feature?.name)?.range ?? null}
                  words={DRIFT_WORDS}
                  window={`range, ${MONITOR_RANGES[range].label}`}
                />
              </h2>
              <p className="muted" style={{ marginTop: 0 }}>
                Over the range ({MONITOR_RANGES[range].label}): {dashboard.feature.statistic} {number(dashboard.feature.range.value)}{" "}
                (bounds {number(dashboard.feature.range.lower)} – {number(dashboard.feature.range.upper)})
                {dashboard.feature.range.psi !== null ? `, PSI ${number(dashboard.feature.range.psi)} (exact)` : ""}.{" "}
                {dashboard.feature.note}.
              </p>
              <div className="grid-2">
                <figure style={{ margin: 0 }} aria-label={`${dashboard.feature.name} drift over time`}>
                  <DriftSeriesChart
                    points={dashboard.feature.series}
                    threshold={dashboard.feature.threshold}
                    statistic={dashboard.feature.statistic}
                    granularity={dashboard.granularity}
                  />
                </figure>
                <figure style={{ margin: 0 }} aria-label={`${dashboard.feature.name} histograms`}>
                  <HistogramChart bins={dashboard.feature.histogram} feature={dashboard.feature.name} />
                </figure>
              </div>
            </section>
          ) : null}

          <div className="grid-2">
            <section className="card" aria-labelledby="performance-heading">
              <h2 id="performance-heading">Performance: realized and estimated</h2>
              <p className="muted" style={{ marginTop: 0 }}>
                Realized from outcomes as they arrive (delayed labels fill in past windows); estimated from the model&apos;s own confidences
                before outcomes exist.
              </p>
              <MetricLinesChart
                points={dashboard.performance}
                granularity={dashboard.granularity}
                axisLabel="Score"
                domain={[0.5, 1]}
                series={[
                  { key: "rocAuc", name: "ROC AUC (realized)" },
                  { key: "estimatedRocAuc", name: "ROC AUC (estimated)", dashed: true },
                  { key: "accuracy", name: "Accuracy (realized)" },
                  { key: "estimatedAccuracy", name: "Accuracy (estimated)", dashed: true },
                ]}
                emptyTitle="No performance figures yet"
                emptyText="Outcomes or enough predictions are needed."
              />
            </section>
            <section className="card" aria-labelledby="prediction-heading">
              <h2 id="prediction-heading">Prediction drift and confidence</h2>
              <p className="muted" style={{ marginTop: 0 }}>
                Mean predicted probability and mean confidence per window; the reference sample had{" "}
                {number(view.dashboard?.referenceMeanScore)} and {number(view.dashboard?.referenceMeanConfidence)}.
              </p>
              <MetricLinesChart
                points={dashboard.predictions}
                granularity={dashboard.granularity}
                axisLabel="Probability"
                domain={[0, 1]}
                series={[
                  { key: "meanScore", name: "Mean probability" },
                  { key: "meanConfidence", name: "Mean confidence" },
                  { key: "scoreDistance", name: "Score JS distance", dashed: true },
                ]}
                references={
                  dashboard.referenceMeanConfidence === null
                    ? []
                    : [{ y: dashboard.referenceMeanConfidence, label: "reference confidence" }]
                }
                emptyTitle="No predictions in this range"
              />
            </section>
          </div>

          <section className="card" aria-labelledby="fairness-heading">
            <h2 id="fairness-heading">Fairness by group</h2>
            <p className="muted" style={{ marginTop: 0 }}>
              Favourable outcome = the negative label (for credit: repay, i.e. approved). Disparate impact = lowest group rate ÷ highest;
              below 0.8 fails the four-fifths rule when its whole 95 % interval (Katz log method) is below 0.8, in a window of at least 500
              predictions. The green band marks 80–100 % of the best group&apos;s rate; the bars are the whole range.
            </p>
            {dashboard.fairness.length === 0 ? (
              <EmptyState title="No sensitive attributes declared">
                Mark attributes as sensitive in the version&apos;s input schema to monitor them.
              </EmptyState>
            ) : (
              <div className="grid-2">
                {dashboard.fairness.map((panel) => (
                  <figure key={panel.attribute} style={{ margin: 0 }} aria-label={`Rates by ${panel.attribute}`}>
                    <figcaption>
                      <strong>{panel.attribute}</strong>: disparate impact{" "}
                      <VerdictBadge verdict={panel.latestHour} words={FAIRNESS_WORDS} window="latest complete hour" withValue />{" "}
                      <VerdictBadge
                        verdict={panel.range}
                        words={FAIRNESS_WORDS}
                        window={`range, ${MONITOR_RANGES[range].label}`}
                        withValue
                      />
                      <span className="muted"> · reference {number(panel.referenceDisparateImpact)}</span>
                    </figcaption>
                    <GroupRatesChart attribute={panel.attribute} groups={panel.groups} />
                    {panel.flags.length ? (
                      <p className="muted" style={{ fontSize: 12.5 }}>
                        {panel.flags.join(" · ")}
                      </p>
                    ) : null}
                  </figure>
                ))}
                <figure style={{ margin: 0 }} aria-label="Disparate impact over time">
                  <figcaption>
                    <strong>Disparate impact over time</strong>
                  </figcaption>
                  <MetricLinesChart
                    points={dashboard.fairnessSeries}
                    granularity={dashboard.granularity}
                    axisLabel="Disparate impact"
                    domain={[0, 1]}
                    series={dashboard.fairness.map((panel) => ({ key: panel.attribute, name: `by ${panel.attribute}` }))}
                    references={[{ y: 0.8, label: "four-fifths" }]}
                    emptyTitle="No fairness windows yet"
                  />
                </figure>
              </div>
            )}
          </section>

          <div className="grid-2">
            <section className="card" aria-labelledby="latency-heading">
              <h2 id="latency-heading">Latency</h2>
              <MetricLinesChart
                points={dashboard.latency}
                granularity={dashboard.granularity}
                axisLabel="Latency"
                unit=" ms"
                digits={1}
                series={[
                  { key: "p50Ms", name: "p50" },
                  { key: "p95Ms", name: "p95" },
                  { key: "p99Ms", name: "p99" },
                ]}
                emptyTitle="No predictions in this range"
              />
            </section>
            <section className="card" aria-labelledby="volume-heading">
              <h2 id="volume-heading">Volume</h2>
              <VolumeChart points={dashboard.latency} granularity={dashboard.granularity} />
            </section>
          </div>
        </>
      )}
    </div>
  );
}

/**
 * A verdict named by its window ("latest complete hour", "range, 24 hours") so the two are never read as one;
 * the reason (bounds, predictions) is its tooltip.
 */
function VerdictBadge({
  verdict,
  words,
  window,
  withValue = false,
  digits = 3,
}: {
  verdict: TVerdict | null;
  words: Record<TVerdict["status"], string>;
  window?: string;
  withValue?: boolean;
  digits?: number;
}) {
  const prefix = window ? `${window}: ` : "";
  if (verdict === null) return <Badge>{`${prefix}no data`}</Badge>;
  const interval = verdict.lower !== null && verdict.upper !== null && verdict.lower !== verdict.upper;
  const figure = withValue
    ? `${number(verdict.value, digits)}${interval ? ` (${number(verdict.lower, 2)}–${number(verdict.upper, 2)})` : ""}, `
    : "";
  return (
    <span title={verdict.reason}>
      <Badge tone={TONE[verdict.status]}>{`${prefix}${figure}${words[verdict.status]}`}</Badge>
    </span>
  );
}

function Stat({ label, value, detail }: { label: string; value: string; detail: string }) {
  return (
    <div className="card stat">
      <span className="stat-label">{label}</span>
      <span className="stat-value">{value}</span>
      <span className="stat-detail">{detail}</span>
    </div>
  );
}

import Link from "next/link";
import type { ReactNode } from "react";
import { Badge, type TBadgeTone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { formatCount, formatUsdCompact } from "@/lib/format";
import { formatDay, formatKpiValue } from "@/lib/kpis/format";
import { incidentHref, type TModelHealth } from "@/lib/kpis/health";
import type { TPortfolioEntry } from "@/lib/kpis/portfolio";
import type { TKpiSeries, TMonitorTimeline } from "@/lib/kpis/series";
import { DayChart, type TDayChartRow } from "./day-chart";

export type TModelKpiView = TPortfolioEntry & { kpis: TKpiSeries[]; monitoring: TMonitorTimeline };

const HEALTH_TONE: Record<TModelHealth, TBadgeTone> = { healthy: "ok", warning: "warn", failing: "bad" };
const PALETTE = ["#2454d6", "#1b7f4b", "#9a6300", "#7c3aed", "#0e7490", "#b42318"];
const DRIFT_SERIES = [
  { key: "ok", label: "Within threshold", color: "#1b7f4b" },
  { key: "warning", label: "Warning", color: "#d08700" },
  { key: "breach", label: "Breach", color: "#b42318" },
];

function ChartBlock({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  return (
    <figure className="kpi-chart" aria-label={title}>
      <figcaption>
        <strong>{title}</strong>
        {description ? <span className="muted"> · {description}</span> : null}
      </figcaption>
      {children}
    </figure>
  );
}

/** One model: its health and money, each business KPI over time, then drift, fairness and realized performance on the same days. */
export function ModelKpiPanel({ view }: { view: TModelKpiView }) {
  const { model, monitoring } = view;
  const syncId = `kpis-${model.slug}`;
  const driftRows: TDayChartRow[] = monitoring.drift.map((day) => ({
    day: day.day,
    ...Object.fromEntries(DRIFT_SERIES.map((entry) => [entry.key, day.status === entry.key ? (day.driftedShare ?? 0) : null])),
  }));
  const driftSeries = DRIFT_SERIES.filter((entry) => driftRows.some((row) => row[entry.key] !== null));
  return (
    <section className="card kpi-panel" aria-labelledby={`kpi-model-${model.slug}`}>
      <header className="kpi-panel-header">
        <div>
          <h2 id={`kpi-model-${model.slug}`} style={{ marginBottom: 4 }}>
            <Link href={`/models/${model.slug}`}>{model.displayName}</Link>
          </h2>
          <div className="actions-row" style={{ alignItems: "center" }}>
            <Badge tone={view.inProduction ? HEALTH_TONE[view.health] : "neutral"}>
              {view.inProduction ? view.health : "not in production"}
            </Badge>
            {model.championVersion ? <Badge tone="info">champion {model.championVersion}</Badge> : null}
            {model.killSwitch ? <Badge tone="bad">kill switch on</Badge> : null}
            <Badge>{model.riskTier} risk</Badge>
            {view.incidents.length ? (
              <span className="muted" style={{ fontSize: 13 }}>
                {/* Each reason is the incident behind the health, one click away. */}
                {view.incidents.map((incident, index) => (
                  <span key={incident.id}>
                    {index ? " · " : ""}
                    <Link href={incidentHref(incident)}>{view.reasons[index]}</Link>
                  </span>
                ))}
              </span>
            ) : null}
          </div>
        </div>
        <div className="actions-row">
          <Link className="button" href={`/models/${model.slug}`}>
            Model card
          </Link>
          {view.inProduction ? (
            <Link className="button" href={`/models/${model.slug}/cost`}>
              Cost-benefit
            </Link>
          ) : null}
        </div>
      </header>
      <dl className="facts" style={{ margin: "14px 0 6px" }}>
        <div>
          <dt>Business KPI</dt>
          <dd>{model.businessKpi || "—"}</dd>
        </div>
        <div>
          <dt>Open alerts</dt>
          <dd>{formatCount(model.openCriticalAlerts + model.openWarningAlerts + model.openInfoAlerts)}</dd>
        </div>
        <div>
          <dt>Review backlog</dt>
          <dd>{formatCount(model.openReviewItems)}</dd>
        </div>
        <div>
          <dt>Compute per month</dt>
          <dd style={{ whiteSpace: "nowrap" }}>{view.cost ? formatUsdCompact(view.cost.monthlyComputeCostUsd) : "—"}</dd>
        </div>
        <div>
          <dt>Net value, 12 months</dt>
          <dd style={{ whiteSpace: "nowrap" }}>{view.cost ? formatUsdCompact(view.cost.projectedNetValueUsd) : "—"}</dd>
        </div>
      </dl>

      <h3 className="kpi-subheading">Business KPIs</h3>
      {view.kpis.length === 0 ? (
        <EmptyState title="No KPI values yet">
          <p style={{ margin: "4px 0 0" }}>
            Send them with <code>POST /api/v1/models/{model.slug}/kpis</code> or upload a CSV.
          </p>
        </EmptyState>
      ) : (
        view.kpis.map((series, index) => (
          <ChartBlock
            key={`${series.metric}-${series.unit}`}
            title={series.metric}
            description={
              series.latest ? `latest ${formatKpiValue(series.latest.value, series.unit)} on ${formatDay(series.latest.day)}` : undefined
            }
          >
            <DayChart
              syncId={syncId}
              rows={series.points.map((point) => ({ day: point.day, value: point.value }))}
              series={[
                {
                  key: "value",
                  label: series.unit ? `${series.metric} (${series.unit})` : series.metric,
                  color: PALETTE[index % PALETTE.length],
                },
              ]}
              yLabel={series.unit || series.metric}
              format={{ kind: "kpi", unit: series.unit }}
            />
          </ChartBlock>
        ))
      )}

      <h3 className="kpi-subheading">Model monitoring, same days</h3>
      {monitoring.windowDays === 0 ? (
        <EmptyState title="No monitoring windows yet">
          <p style={{ margin: "4px 0 0" }}>
            Daily drift, fairness and realized performance appear here once the monitoring jobs have closed a day with enough predictions.
          </p>
        </EmptyState>
      ) : (
        <>
          <ChartBlock title="Drift" description="share of features that drifted, coloured by the day's verdict">
            {driftSeries.length ? (
              <DayChart
                syncId={syncId}
                height={150}
                variant="stacked-bars"
                rows={driftRows}
                series={driftSeries}
                yLabel="Drifted share"
                format={{ kind: "share" }}
                domain={[0, 1]}
                referenceLines={monitoring.driftThreshold === null ? [] : [{ y: monitoring.driftThreshold, label: "breach threshold" }]}
              />
            ) : (
              <p className="muted kpi-chart-empty">No daily drift results in this period.</p>
            )}
          </ChartBlock>
          <ChartBlock title="Fairness" description="disparate impact per sensitive attribute (1 = parity)">
            {monitoring.fairness.series.length ? (
              <DayChart
                syncId={syncId}
                height={170}
                rows={monitoring.fairness.rows}
                series={monitoring.fairness.series.map((entry, index) => ({ ...entry, color: PALETTE[(index + 3) % PALETTE.length] }))}
                yLabel="Disparate impact"
                format={{ kind: "ratio" }}
                domain={[0, "auto"]}
                referenceLines={[
                  {
                    y: monitoring.fairness.threshold ?? 0.8,
                    label:
                      monitoring.fairness.threshold === null ? "four-fifths rule (0.8)" : `threshold (${monitoring.fairness.threshold})`,
                  },
                ]}
              />
            ) : (
              <p className="muted kpi-chart-empty">No daily fairness results in this period.</p>
            )}
          </ChartBlock>
          <ChartBlock title="Realized performance" description="on predictions whose outcome has arrived">
            {monitoring.performance.series.length ? (
              <DayChart
                syncId={syncId}
                height={170}
                rows={monitoring.performance.rows}
                series={monitoring.performance.series.map((entry, index) => ({ ...entry, color: PALETTE[index % PALETTE.length] }))}
                yLabel="Score"
                format={{ kind: "ratio" }}
              />
            ) : (
              <p className="muted kpi-chart-empty">No daily performance results in this period (outcomes may not have arrived yet).</p>
            )}
          </ChartBlock>
        </>
      )}
    </section>
  );
}

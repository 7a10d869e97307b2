import type { Metadata } from "next";
import { requirePermission } from "@/app/_server/auth";
import { getDb } from "@/db/client";
import { loadTransparencyReport } from "@/app/_server/transparency";
import { BacklogChart } from "@/components/charts/backlog-chart";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { formatPercent } from "@/lib/format";
import { overrideRate } from "@/lib/review/transparency";

export const metadata: Metadata = { title: "Review transparency report" };

export default async function TransparencyReportPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requirePermission("review.read");
  const { models, report, invalid } = await loadTransparencyReport(getDb(), await searchParams);
  const exportQuery = report ? new URLSearchParams({ model: report.model, from: report.from, to: report.to }).toString() : "";
  return (
    <div className="stack">
      <PageHeader
        title="Review transparency report"
        description="What people decided instead of the model: items routed by reason, decided, overridden (by reason and by sensitive group), time to decision and the backlog."
        actions={
          report ? (
            <div style={{ display: "flex", gap: 8 }}>
              <a className="button" href={`/review/report/export?format=csv&${exportQuery}`} download>
                Export CSV
              </a>
              <a className="button" href={`/review/report/export?format=md&${exportQuery}`} download>
                Export Markdown
              </a>
            </div>
          ) : null
        }
      />
      {invalid ? (
        <p className="callout error" role="alert" aria-label="Filter error">
          The period is not valid; dates are like 2026-11-24.
        </p>
      ) : null}
      <form method="get" className="card filter-bar" aria-label="Choose the report">
        <div className="field">
          <label htmlFor="model">Model</label>
          <select id="model" name="model" defaultValue={report?.model}>
            {models.map((model) => (
              <option key={model.slug} value={model.slug}>
                {model.displayName}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="from">From (UTC)</label>
          <input id="from" name="from" type="date" defaultValue={report?.from} />
        </div>
        <div className="field">
          <label htmlFor="to">To (UTC)</label>
          <input id="to" name="to" type="date" defaultValue={report?.to} />
        </div>
        <div className="filter-actions">
          <button type="submit" className="button primary">
            Show
          </button>
        </div>
      </form>
      {!report ? (
        <EmptyState title="No model to report on" />
      ) : (
        <>
          <div className="grid-2">
            <section className="card" aria-label="By reason">
              <h2>By reason</h2>
              <table className="table" aria-label="Items by reason">
                <thead>
                  <tr>
                    <th scope="col">Reason</th>
                    <th scope="col" className="num">
                      Routed
                    </th>
                    <th scope="col" className="num">
                      Decided
                    </th>
                    <th scope="col" className="num">
                      Overridden
                    </th>
                    <th scope="col" className="num">
                      Override rate
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {report.byReason.length === 0 ? (
                    <tr>
                      <td colSpan={5} className="muted">
                        Nothing routed in this period.
                      </td>
                    </tr>
                  ) : null}
                  {report.byReason.map((row) => (
                    <tr key={row.reason}>
                      <td>{row.reason.replace(/_/g, " ")}</td>
                      <td className="num">{row.routed}</td>
                      <td className="num">{row.decided}</td>
                      <td className="num">{row.overridden}</td>
                      <td className="num">{formatPercent(overrideRate(row))}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="muted" style={{ marginBottom: 0 }}>
                Time to decision: median{" "}
                {report.medianMinutesToDecision === null ? "—" : `${report.medianMinutesToDecision.toFixed(1)} min`}, p90{" "}
                {report.p90MinutesToDecision === null ? "—" : `${report.p90MinutesToDecision.toFixed(1)} min`}.
              </p>
            </section>
            <section className="card" aria-label="By sensitive group">
              <h2>By sensitive group</h2>
              <table className="table" aria-label="Decisions by group">
                <thead>
                  <tr>
                    <th scope="col">Attribute</th>
                    <th scope="col">Group</th>
                    <th scope="col" className="num">
                      Decided
                    </th>
                    <th scope="col" className="num">
                      Overridden
                    </th>
                    <th scope="col" className="num">
                      Override rate
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {report.byGroup.length === 0 ? (
                    <tr>
                      <td colSpan={5} className="muted">
                        No decisions with group attributes in this period.
                      </td>
                    </tr>
                  ) : null}
                  {report.byGroup.map((row) => (
                    <tr key={`${row.attribute}-${row.group}`}>
                      <td className="mono">{row.attribute}</td>
                      <td>{row.group}</td>
                      <td className="num">{row.decided}</td>
                      <td className="num">{row.overridden}</td>
                      <td className="num">{formatPercent(overrideRate(row))}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </div>
          <section className="card" aria-label="Backlog over time">
            <h2>Backlog over time</h2>
            <BacklogChart points={report.backlog} />
          </section>
        </>
      )}
    </div>
  );
}

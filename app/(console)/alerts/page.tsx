import type { Metadata } from "next";
import Link from "next/link";
import { requirePermission } from "@/app/_server/auth";
import { AcknowledgeButton } from "@/components/alerts/acknowledge-button";
import { can } from "@/lib/permissions";
import { acknowledgeAlertAction, acknowledgeIncidentAction } from "./actions";
import { getDb } from "@/db/client";
import { listAlertsWithoutIncident, listIncidents } from "@/db/queries/alerts";
import { IncidentsPanel } from "@/components/monitoring/incidents-panel";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { formatDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "Alerts" };

const SEVERITY_TONE = { critical: "bad", warning: "warn", info: "info" } as const;

export default async function AlertsPage() {
  const user = await requirePermission("alerts.read");
  const canAcknowledge = can(user.roles, "alerts.acknowledge");
  const db = getDb();
  const [incidents, alerts] = await Promise.all([listIncidents(db, { limit: 100 }), listAlertsWithoutIncident(db)]);
  return (
    <div className="stack">
      <PageHeader
        title="Alerts"
        description="What needs attention: drift, fairness, performance and latency rules from monitoring, canaries the guard withdrew, and the review backlog. Alerts of one model and cause are grouped into one incident, notified when it opens, escalates and resolves; acknowledging an incident acknowledges its alerts. An incident resolves when its last alert recovers."
      />
      <section aria-labelledby="incidents-heading" className="stack">
        <h2 id="incidents-heading">Incidents</h2>
        {incidents.length === 0 ? (
          <EmptyState title="No incidents">Nothing has fired. Incidents appear here as soon as a guard or monitor trips.</EmptyState>
        ) : (
          <IncidentsPanel incidents={incidents} showModel canAcknowledge={canAcknowledge} acknowledge={acknowledgeIncidentAction} />
        )}
      </section>
      {alerts.length === 0 ? null : (
        <div className="table-wrap">
          <h2>Alerts fired before incidents</h2>
          <table className="table" aria-label="Alerts">
            <thead>
              <tr>
                <th scope="col">Fired</th>
                <th scope="col">Severity</th>
                <th scope="col">Status</th>
                <th scope="col">Model</th>
                <th scope="col">What happened</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {alerts.map((alert) => (
                <tr key={alert.id}>
                  <td className="mono">{formatDateTime(alert.firedAt)}</td>
                  <td>
                    <Badge tone={SEVERITY_TONE[alert.severity]}>{alert.severity}</Badge>
                  </td>
                  <td>
                    <Badge tone={alert.status === "resolved" ? "ok" : alert.status === "acknowledged" ? "info" : "bad"}>
                      {alert.status}
                    </Badge>
                  </td>
                  <td>
                    <Link href={`/models/${alert.modelSlug}`}>{alert.modelName}</Link>
                  </td>
                  <td>
                    <strong>{alert.title}</strong>
                    <div className="muted">{alert.message}</div>
                    {alert.resolvedAt ? <div className="muted">Resolved {formatDateTime(alert.resolvedAt)}</div> : null}
                  </td>
                  <td>
                    {canAcknowledge && alert.status === "firing" ? (
                      <AcknowledgeButton id={alert.id} title={alert.title} acknowledge={acknowledgeAlertAction} />
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

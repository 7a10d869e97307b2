import Link from "next/link";
import { AcknowledgeButton } from "@/components/alerts/acknowledge-button";
import { Badge } from "@/components/ui/badge";
import { formatDateTime } from "@/lib/format";
import type { TActionResult } from "@/lib/types/action";
import type { TIncidentRow } from "@/lib/monitoring/incidents";

const SEVERITY_TONE = { critical: "bad", warning: "warn", info: "info" } as const;
const STATUS_TONE = { open: "bad", acknowledged: "info", resolved: "ok", firing: "bad" } as const;

/** Where in time an incident's members were judged: its hourly (or daily) windows, else when it opened. */
function windowLabel(incident: TIncidentRow): string {
  if (incident.firstWindowStart && incident.lastWindowEnd)
    return `windows judged ${formatDateTime(incident.firstWindowStart)} – ${formatDateTime(incident.lastWindowEnd)}`;
  return `opened ${formatDateTime(incident.openedAt)} (no monitoring window: raised by a job)`;
}

/**
 * Incidents with their member alerts: one per model and cause, at the highest severity of its open
 * members, spanning the first to the latest window those members judged. Acknowledging one
 * acknowledges every member still firing.
 */
export function IncidentsPanel({
  incidents,
  showModel,
  canAcknowledge,
  acknowledge,
}: {
  incidents: TIncidentRow[];
  showModel: boolean;
  canAcknowledge: boolean;
  acknowledge: (input: { id: string }) => Promise<TActionResult>;
}) {
  return (
    <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }} aria-label="Incidents">
      {incidents.map((incident) => (
        <li key={incident.id} id={`incident-${incident.id}`} className="card" data-incident-cause={incident.cause}>
          <div style={{ display: "flex", gap: 8, alignItems: "center", flexWrap: "wrap" }}>
            <Badge tone={SEVERITY_TONE[incident.severity]}>{incident.severity}</Badge>
            <Badge tone={STATUS_TONE[incident.status]}>{incident.status}</Badge>
            <strong>{incident.title}</strong>
            {showModel ? <Link href={`/models/${incident.modelSlug}/monitoring`}>{incident.modelName}</Link> : null}
            <span style={{ marginLeft: "auto" }}>
              {canAcknowledge && incident.status === "open" ? (
                <AcknowledgeButton id={incident.id} title={incident.title} acknowledge={acknowledge} />
              ) : null}
            </span>
          </div>
          <p className="muted" style={{ margin: "6px 0" }}>
            {incident.members.length} alert{incident.members.length === 1 ? "" : "s"} · {windowLabel(incident)}
            {incident.escalatedAt ? ` · escalated ${formatDateTime(incident.escalatedAt)}` : ""}
            {incident.acknowledgedAt
              ? ` · acknowledged ${formatDateTime(incident.acknowledgedAt)} by ${incident.acknowledgedByEmail ?? "—"}`
              : ""}
            {incident.resolvedAt ? ` · resolved ${formatDateTime(incident.resolvedAt)}` : ""}
          </p>
          <div className="table-wrap">
            <table className="table" aria-label={`Alerts of ${incident.title}`}>
              <thead>
                <tr>
                  <th scope="col">Fired</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Status</th>
                  <th scope="col">Alert</th>
                </tr>
              </thead>
              <tbody>
                {incident.members.map((member) => (
                  <tr key={member.id} data-feature={member.feature || undefined}>
                    <td className="mono">{formatDateTime(member.firedAt)}</td>
                    <td>
                      <Badge tone={SEVERITY_TONE[member.severity]}>{member.severity}</Badge>
                    </td>
                    <td>
                      <Badge tone={STATUS_TONE[member.status]}>{member.status}</Badge>
                    </td>
                    <td>
                      <strong>{member.title}</strong>
                      <div className="muted">{member.message}</div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </li>
      ))}
    </ul>
  );
}

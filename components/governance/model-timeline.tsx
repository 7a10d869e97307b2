import type { TAuditRow } from "@/lib/types/audit";
import { formatDateTime } from "@/lib/format";
import { EmptyState } from "@/components/ui/empty-state";

const describe = (record: TAuditRow): string => {
  const input = record.input as {
    version?: string;
    reason?: string | null;
    canaryPercent?: number | null;
    comment?: string;
    failedGates?: string[];
  };
  const version = input.version ? ` ${input.version}` : "";
  const reason = input.reason ? ` — “${input.reason}”` : "";
  switch (record.action) {
    case "deployment.start_canary":
      return `canary${version} at ${input.canaryPercent} %`;
    case "deployment.set_canary_percent":
      return `canary${version} now ${input.canaryPercent} %`;
    case "governance.validation_failed":
      return `validation of${version} failed: ${(input.failedGates ?? []).join(", ")}`;
    case "governance.vote_approve":
    case "governance.vote_reject":
      return `${record.action.endsWith("approve") ? "approved" : "rejected"}${version}: “${input.comment}”`;
    default:
      return `${record.action.split(".")[1]?.replace(/_/g, " ") ?? record.action}${version}${reason}`;
  }
};

/** The model's life as its audit records tell it, newest first. */
export function ModelTimeline({ records }: { records: TAuditRow[] }) {
  if (records.length === 0) return <EmptyState title="Nothing has happened to this model yet" />;
  return (
    <ol className="timeline" aria-label="Timeline">
      {records.map((record) => (
        <li key={record.id}>
          <span className="muted mono">{formatDateTime(record.occurredAt)}</span>
          <span>
            <strong>{record.actorLabel}</strong> {describe(record)}
          </span>
        </li>
      ))}
    </ol>
  );
}

import type { TAuditRow } from "@/lib/types/audit";
import { formatDateTime } from "@/lib/format";
import { EmptyState } from "@/components/ui/empty-state";

export function AuditTable({ records, limit }: { records: TAuditRow[]; limit: number }) {
  if (records.length === 0) return <EmptyState title="No audit records match">Change or clear the filters.</EmptyState>;
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Audit records">
        <caption className="muted" style={{ textAlign: "left", padding: "10px 12px" }}>
          {records.length === limit
            ? `The newest ${limit} matching records; narrow the filters or export for all.`
            : `${records.length} records`}
        </caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              #
            </th>
            <th scope="col">When</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Subject</th>
            <th scope="col">Model</th>
            <th scope="col">Hash</th>
          </tr>
        </thead>
        <tbody>
          {records.map((record) => (
            <tr key={record.id}>
              <td className="num">{record.sequence}</td>
              <td className="mono">{formatDateTime(record.occurredAt)}</td>
              <td>{record.actorLabel}</td>
              <td className="mono">{record.action}</td>
              <td className="muted">
                {record.subjectType}
                {record.subjectId ? ` ${record.subjectId.slice(0, 8)}` : ""}
              </td>
              <td className="mono">{record.modelSlug ?? "—"}</td>
              <td className="mono muted" title={record.hash}>
                {record.hash.slice(0, 12)}…
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

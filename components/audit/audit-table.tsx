import Link from "next/link";
import type { TAuditRow } from "@/lib/types/audit";
import { formatDateTime } from "@/lib/format";
import { EmptyState } from "@/components/ui/empty-state";

/** A subject's name and page, keyed by "subjectType:subjectId" (db/queries/audit-subjects.ts). */
export type TAuditSubjects = Record<string, { label: string; href: string | null }>;

function Subject({ record, subjects }: { record: TAuditRow; subjects: TAuditSubjects }) {
  const subject = record.subjectId ? subjects[`${record.subjectType}:${record.subjectId}`] : undefined;
  // A subject that no longer exists (or has no name) keeps its kind and a short id, so it can still be searched for.
  if (!subject)
    return (
      <span className="muted">{`${record.subjectType.replace(/_/g, " ")}${record.subjectId ? ` ${record.subjectId.slice(0, 8)}` : ""}`}</span>
    );
  return subject.href ? <Link href={subject.href}>{subject.label}</Link> : <>{subject.label}</>;
}

export function AuditTable({ records, limit, subjects }: { records: TAuditRow[]; limit: number; subjects: TAuditSubjects }) {
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
              <td>
                <Subject record={record} subjects={subjects} />
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

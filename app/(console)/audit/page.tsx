import type { Metadata } from "next";
import { requireSection } from "@/app/_server/auth";
import { getDb } from "@/db/client";
import { listAuditRecords } from "@/db/queries/audit";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Audit trail" };

export default async function AuditPage() {
  await requireSection("audit");
  const records = await listAuditRecords(getDb(), { limit: 200 });
  return (
    <>
      <PageHeader
        title="Audit trail"
        description="Append-only and hash-chained: every record carries the hash of the one before it, and the database refuses edits."
      />
      {records.length === 0 ? (
        <EmptyState title="Nothing recorded yet" />
      ) : (
        <div className="table-wrap">
          <table className="table" aria-label="Audit records">
            <thead>
              <tr><th scope="col" className="num">#</th><th scope="col">When (UTC)</th><th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Subject</th><th scope="col">Hash</th></tr>
            </thead>
            <tbody>
              {records.map((record) => (
                <tr key={record.id}>
                  <td className="num">{record.sequence}</td>
                  <td className="mono">{record.occurredAt.toISOString().replace("T", " ").slice(0, 19)}</td>
                  <td>{record.actorLabel}</td>
                  <td className="mono">{record.action}</td>
                  <td className="muted">{record.subjectType}{record.subjectId ? ` ${record.subjectId.slice(0, 8)}` : ""}</td>
                  <td className="mono muted" title={record.hash}>{record.hash.slice(0, 12)}…</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

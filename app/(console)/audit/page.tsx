import type { Metadata } from "next";
import { requirePermission } from "@/app/_server/auth";
import { getDb } from "@/db/client";
import { getAuditFilterOptions, listAuditRecords } from "@/db/queries/audit";
import { getAuditSubjects } from "@/db/queries/audit-subjects";
import { AuditFilterForm } from "@/components/audit/audit-filter-form";
import { AuditTable } from "@/components/audit/audit-table";
import { PageHeader } from "@/components/ui/page-header";
import { auditFilterRange, ZAuditFilterQuery, type TAuditFilterQuery } from "@/lib/audit/filter";

export const metadata: Metadata = { title: "Audit trail" };

const PAGE_LIMIT = 500;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requirePermission("audit.read");
  const raw = await searchParams;
  const parsed = ZAuditFilterQuery.safeParse(raw);
  const query: TAuditFilterQuery = parsed.success
    ? parsed.data
    : { actor: undefined, action: undefined, model: undefined, from: undefined, to: undefined };
  const db = getDb();
  const [records, options] = await Promise.all([
    listAuditRecords(db, {
      limit: PAGE_LIMIT,
      filter: { actor: query.actor, action: query.action, modelSlug: query.model, ...auditFilterRange(query) },
    }),
    getAuditFilterOptions(db),
  ]);
  const subjects = Object.fromEntries(await getAuditSubjects(db, records));
  const exportQuery = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => Boolean(entry[1])));
  return (
    <div className="stack">
      <PageHeader
        title="Audit trail"
        description="Append-only and hash-chained: every record carries the hash of the one before it, and the database refuses edits. Verify the chain with `npm run oversight -- audit verify`."
        actions={
          <a className="button" href={`/audit/export?${exportQuery}`} download>
            Export CSV
          </a>
        }
      />
      {!parsed.success ? (
        <p className="callout error" role="alert" aria-label="Filter error">
          {parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}
        </p>
      ) : null}
      <AuditFilterForm query={query} actions={options.actions} models={options.models} />
      <AuditTable records={records} limit={PAGE_LIMIT} subjects={subjects} />
    </div>
  );
}

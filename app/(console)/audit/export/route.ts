import Papa from "papaparse";
import { ApiError, authenticateApi, handleApi } from "@/app/_server/api";
import { getDb } from "@/db/client";
import { listAuditRecords } from "@/db/queries/audit";
import { auditFilterRange, ZAuditFilterQuery } from "@/lib/audit/filter";

const EXPORT_LIMIT = 100_000;

/** CSV of the audit records matching the page's filters; those who may read the audit trail only. */
export async function GET(request: Request) {
  return handleApi("audit.export", async () => {
    await authenticateApi(request, { permission: "audit.read" });
    const parsed = ZAuditFilterQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success)
      throw new ApiError(400, "invalid_filter", parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "));
    const query = parsed.data;
    const records = await listAuditRecords(getDb(), {
      limit: EXPORT_LIMIT,
      filter: { actor: query.actor, action: query.action, modelSlug: query.model, ...auditFilterRange(query) },
    });
    const csv = Papa.unparse(
      records.map((record) => ({
        sequence: record.sequence,
        occurred_at: record.occurredAt.toISOString(),
        actor: record.actorLabel,
        actor_id: record.actorId ?? "",
        action: record.action,
        subject_type: record.subjectType,
        subject_id: record.subjectId ?? "",
        model: record.modelSlug ?? "",
        input: JSON.stringify(record.input),
        previous_hash: record.previousHash,
        hash: record.hash,
      })),
      {
        columns: [
          "sequence",
          "occurred_at",
          "actor",
          "actor_id",
          "action",
          "subject_type",
          "subject_id",
          "model",
          "input",
          "previous_hash",
          "hash",
        ],
      },
    );
    return new Response(csv, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="oversight-audit-${new Date().toISOString().slice(0, 10)}.csv"`,
      },
    });
  });
}

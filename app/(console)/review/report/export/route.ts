import Papa from "papaparse";
import { getCurrentUser } from "@/app/_server/auth";
import { loadTransparencyReport } from "@/app/_server/transparency";
import { getDb } from "@/db/client";
import { SECTIONS, can } from "@/lib/permissions";
import { transparencyCsvRows, transparencyMarkdown } from "@/lib/review/transparency";

/** The transparency report as CSV (?format=csv) or Markdown (?format=md); review-section roles only. */
export async function GET(request: Request) {
  const user = await getCurrentUser();
  if (!user) return Response.json({ error: "unauthenticated", message: "Sign in first." }, { status: 401 });
  if (!can(user.roles, SECTIONS.review.permission)) return Response.json({ error: "forbidden", message: "Your role cannot read the review queue." }, { status: 403 });
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const { report, invalid } = await loadTransparencyReport(getDb(), params);
  if (invalid) return Response.json({ error: "invalid_query", message: "Dates are like 2026-11-24." }, { status: 400 });
  if (!report) return Response.json({ error: "unknown_model", message: `No model named '${params.model}'.` }, { status: 404 });
  const markdown = params.format === "md";
  const body = markdown ? transparencyMarkdown(report) : Papa.unparse(transparencyCsvRows(report), { columns: ["section", "key", "group", "routed", "decided", "overridden", "override_rate"] });
  return new Response(body, {
    headers: {
      "content-type": markdown ? "text/markdown; charset=utf-8" : "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${report.model}-review-report-${report.from}-${report.to}.${markdown ? "md" : "csv"}"`,
    },
  });
}

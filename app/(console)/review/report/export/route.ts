import Papa from "papaparse";
import { ApiError, authenticateApi, handleApi } from "@/app/_server/api";
import { loadTransparencyReport } from "@/app/_server/transparency";
import { getDb } from "@/db/client";
import { transparencyCsvRows, transparencyMarkdown } from "@/lib/review/transparency";

/** The transparency report as CSV (?format=csv) or Markdown (?format=md); those who may read the review queue only. */
export async function GET(request: Request) {
  return handleApi("review.report_export", async () => {
    await authenticateApi(request, { permission: "review.read" });
    const params = Object.fromEntries(new URL(request.url).searchParams);
    const { report, invalid } = await loadTransparencyReport(getDb(), params);
    if (invalid) throw new ApiError(400, "invalid_query", "Dates are like 2026-11-24.");
    if (!report) throw new ApiError(404, "unknown_model", `No model named '${params.model}'.`);
    const markdown = params.format === "md";
    const body = markdown
      ? transparencyMarkdown(report)
      : Papa.unparse(transparencyCsvRows(report), {
          columns: ["section", "key", "group", "routed", "decided", "overridden", "override_rate"],
        });
    return new Response(body, {
      headers: {
        "content-type": markdown ? "text/markdown; charset=utf-8" : "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${report.model}-review-report-${report.from}-${report.to}.${markdown ? "md" : "csv"}"`,
      },
    });
  });
}

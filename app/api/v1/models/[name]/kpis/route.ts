import { z } from "zod";
import { ApiError, authenticateApi, handleApi, parseQuery } from "@/app/_server/api";
import { recordKpiValues } from "@/app/_server/kpis";
import { readJsonBody } from "@/app/_server/request-body";
import { getDb } from "@/db/client";
import { listKpiValues } from "@/db/queries/kpis";
import { parseKpiSubmission } from "@/lib/kpis/input";

// 10,000 values of ~100 bytes each, with room for whitespace; a larger body is refused as soon as that many bytes have arrived.
const MAX_BODY_BYTES = 4 * 1024 * 1024;
// Ten thousand bad values would make an error body larger than the request; the first 200 say enough.
const MAX_LISTED_ISSUES = 200;

const ZQuery = z.object({
  metric: z.string().trim().min(1).max(80).optional(),
  from: z.iso.date({ error: "from is a date like 2026-03-01" }).optional(),
  to: z.iso.date({ error: "to is a date like 2026-03-31" }).optional(),
});

/** A model's business KPI values (optionally one metric and a period), by metric then date. */
export async function GET(request: Request, context: { params: Promise<{ name: string }> }) {
  return handleApi("kpis.list", async () => {
    const { model } = await authenticateApi(request, { permission: "kpis.read", model: (await context.params).name });
    const query = parseQuery(request, ZQuery);
    return Response.json({ model: model.slug, values: await listKpiValues(getDb(), { modelId: model.id, ...query }) });
  });
}

/**
 * Records business KPI values (JSON: one `{ date, metric, value, unit }` or `{ values: [...] }`
 * with up to 10,000): an upsert on (model, metric, date), all or nothing, audited.
 */
export async function POST(request: Request, context: { params: Promise<{ name: string }> }) {
  return handleApi("kpis.record", async () => {
    const { principal, model } = await authenticateApi(request, { permission: "kpis.write", model: (await context.params).name });
    const body = await readJsonBody(request, MAX_BODY_BYTES);
    const parsed = parseKpiSubmission(body);
    if (!parsed.ok) {
      const shown = parsed.issues.slice(0, MAX_LISTED_ISSUES);
      if (parsed.issues.length > shown.length)
        shown.push({ field: "(body)", message: `and ${parsed.issues.length - shown.length} more problems` });
      throw new ApiError(
        422,
        "invalid_input",
        `The KPI values are not valid; nothing was stored. ${shown
          .slice(0, 3)
          .map((issue) => `${issue.field}: ${issue.message}`)
          .join("; ")}`,
        shown,
      );
    }
    const [result] = await recordKpiValues(getDb(), {
      actor: { id: principal.kind === "user" ? principal.id : null, label: principal.label },
      source: "api",
      batches: [{ model: { id: model.id, slug: model.slug }, values: parsed.values }],
    });
    return Response.json(result);
  });
}

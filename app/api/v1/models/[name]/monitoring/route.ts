import { z } from "zod";
import { authenticateApi, handleApi, parseQuery } from "@/app/_server/api";
import { loadMonitoringView } from "@/app/_server/monitoring";
import { getDb } from "@/db/client";
import { MONITOR_RANGES } from "@/lib/monitoring/dashboard";

const ZQuery = z.object({
  range: z.enum(Object.keys(MONITOR_RANGES) as [keyof typeof MONITOR_RANGES], { error: "range is 24h, 7d or 30d" }).default("24h"),
  feature: z.string().max(64).optional(),
  version: z.string().max(40).optional(),
});

/** The monitoring dashboard's data (the page polls it): drift, performance, fairness and latency of a model over a range. */
export async function GET(request: Request, context: { params: Promise<{ name: string }> }) {
  return handleApi("monitoring.read", async () => {
    const { model } = await authenticateApi(request, { permission: "models.read", model: (await context.params).name });
    const query = parseQuery(request, ZQuery);
    const view = await loadMonitoringView(getDb(), { modelId: model.id, ...query });
    // Server-Timing shows the panel's server time in the browser's network tab and in the benchmark.
    return Response.json(view, { headers: { "server-timing": `panel;dur=${view.serverMs.toFixed(1)}`, "cache-control": "no-store" } });
  });
}

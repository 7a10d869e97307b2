import "server-only";
import type { TDb } from "@/db/connection";
import { getMonitorVersion, listMonitoredVersions, listMonitorResults, listWindows } from "@/db/queries/monitoring";
import { listAlertRules } from "@/db/queries/alert-rules";
import { listOpenAlerts } from "@/db/queries/alerts";
import { getChampionVersionId } from "@/db/queries/versions";
import { buildDashboard, MONITOR_RANGES, rangeStart, type TMonitoringDashboard, type TMonitorRange } from "@/lib/monitoring/dashboard";
import type { TMonitoringView } from "@/lib/types/monitoring";
import { buildWindowLayout, sketchReferenceFeatures, type TWindowLayout } from "@/lib/monitoring/window";
import type { TSketch } from "@/lib/monitoring/sketch";
import type { TComparison } from "@/lib/monitoring/verdict";
import { ZInputSchema, ZOutputSchema, type TReferenceProfile } from "@/lib/registry";

type TReferenceContext = { layout: TWindowLayout; features: Record<string, TSketch>; sorted: Record<string, Float64Array> };
// A version's reference never changes once registered: compute its layout and sketches once per process.
const referenceCache = new Map<string, TReferenceContext | null>();

async function getReferenceContext(db: TDb, versionId: string): Promise<TReferenceContext | null> {
  if (referenceCache.has(versionId)) return referenceCache.get(versionId)!;
  const version = await getMonitorVersion(db, versionId);
  const profile = version?.referenceProfile as TReferenceProfile | null | undefined;
  let context: TReferenceContext | null = null;
  if (version && profile) {
    const layout = buildWindowLayout({
      schema: ZInputSchema.parse(version.inputSchema),
      profile,
      threshold: ZOutputSchema.parse(version.outputSchema).threshold,
    });
    const sorted = Object.fromEntries(
      layout.features
        .filter((feature) => feature.kind === "numerical")
        .map((feature) => [feature.name, Float64Array.from((profile.columns[feature.name] ?? []).map(Number)).sort()]),
    );
    context = { layout, features: sketchReferenceFeatures(layout, profile), sorted };
  }
  referenceCache.set(versionId, context);
  return context;
}

/**
 * The monitoring view of a model: the champion's windows (or a chosen version's) over a range.
 * Range-wide figures come from merged window summaries, never from raw predictions.
 */
export async function loadMonitoringView(
  db: TDb,
  { modelId, range, feature, version }: { modelId: string; range: TMonitorRange; feature?: string; version?: string },
): Promise<TMonitoringView> {
  const started = performance.now();
  const [versions, championVersionId, rules, open] = await Promise.all([
    listMonitoredVersions(db, modelId),
    getChampionVersionId(db, modelId),
    listAlertRules(db, modelId),
    listOpenAlerts(db, modelId, 50),
  ]);
  const chosen =
    versions.find((candidate) => candidate.version === version) ??
    versions.find((candidate) => candidate.id === championVersionId) ??
    versions[0] ??
    null;
  let dashboard: TMonitoringDashboard | null = null;
  const reference = chosen ? await getReferenceContext(db, chosen.id) : null;
  if (chosen && reference) {
    const now = new Date();
    const from = rangeStart(range, now);
    const to = new Date(now.getTime() + 1);
    const granularity = MONITOR_RANGES[range].granularity;
    // The latest complete hour: the window the alert rules judge, shown beside the range's summary.
    const latestHourStart = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - 3_600_000);
    const [windows, results, latestHourResults] = await Promise.all([
      listWindows(db, { versionIds: [chosen.id], granularity, from, to }),
      listMonitorResults(db, { modelId, versionId: chosen.id, granularity, from, to, perGroupRows: false }),
      listMonitorResults(db, {
        modelId,
        versionId: chosen.id,
        granularity: "hour",
        from: latestHourStart,
        to: new Date(latestHourStart.getTime() + 1),
        perGroupRows: false,
      }),
    ]);
    dashboard = buildDashboard({
      range,
      layout: reference.layout,
      referenceFeatures: reference.features,
      referenceSorted: reference.sorted,
      selectedFeature: feature,
      windows: windows.map((window) => ({ start: window.start.toISOString(), summary: window.summary })),
      results: results.map((result) => ({ ...result, start: new Date(result.start).toISOString() })),
      latestHour: latestHourResults.length
        ? {
            start: latestHourStart.toISOString(),
            results: latestHourResults.map((result) => ({ ...result, start: new Date(result.start).toISOString() })),
          }
        : null,
      rules: rules.map((rule) => ({ ...rule, comparison: rule.comparison as TComparison })),
    });
  }
  return {
    version: chosen,
    versions,
    dashboard,
    openAlerts: open.map((alert) => ({
      id: alert.id,
      title: alert.title,
      message: alert.message,
      severity: alert.severity,
      status: alert.status,
      firedAt: alert.firedAt.toISOString(),
    })),
    rules: rules.map((rule) => ({ ...rule, createdAt: undefined, modelId: undefined })),
    serverMs: performance.now() - started,
  };
}

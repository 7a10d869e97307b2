import type { TDatabase } from "@/db/connection";
import {
  getMonitorVersion,
  listActiveHours,
  listHoursWithNewOutcomes,
  listMissingHours,
  listWindowRows,
  listWindows,
  upsertMonitorResults,
  upsertWindow,
} from "@/db/queries/monitoring";
import { getArtifactContent } from "@/db/queries/serving";
import { windowStatistics } from "@/lib/monitoring/statistics";
import {
  buildWindowLayout,
  emptyWindowSummary,
  mergeWindowSummaries,
  referenceWindowRows,
  summarizeWindow,
  type TWindowLayout,
  type TWindowSummary,
} from "@/lib/monitoring/window";
import {
  classifierOutputOf,
  modelInputFeatures,
  modelInputSpecs,
  referenceInputRows,
  ZInputSchema,
  ZOutputSchema,
  type TReferenceProfile,
} from "@/lib/registry";
import { scoreRows } from "../onnx/score-rows";
import { ensureDefaultRules, evaluateAlertRules } from "./alert-rules";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
// On start, windows missing from the last week are filled in (downtime, first start).
const BACKFILL_MS = 7 * DAY_MS;

/** What every window of a version is compared with: its layout and its reference sample scored by its own model. */
type TVersionContext = { modelId: string; layout: TWindowLayout; reference: TWindowSummary; referenceSorted: Record<string, Float64Array> };
const contexts = new Map<string, Promise<TVersionContext | null>>();

async function loadContext(db: TDatabase, versionId: string): Promise<TVersionContext | null> {
  const version = await getMonitorVersion(db, versionId);
  const profile = version?.referenceProfile as TReferenceProfile | null | undefined;
  if (!version || !profile) return null;
  const schema = ZInputSchema.parse(version.inputSchema);
  const output = ZOutputSchema.parse(version.outputSchema);
  const layout = buildWindowLayout({ schema, profile, threshold: output.threshold });
  const inputs = modelInputFeatures(schema);
  const rows = referenceInputRows(schema, profile);
  const bytes = await getArtifactContent(db, version.artifactSha256);
  const scores = bytes
    ? await scoreRows({
        model: new Uint8Array(bytes),
        rows,
        width: inputs.length,
        inputs: modelInputSpecs(schema),
        ...classifierOutputOf(output),
      })
    : [];
  const reference = summarizeWindow(layout, referenceWindowRows({ schema, profile, scores }));
  const referenceSorted = Object.fromEntries(
    layout.features
      .filter((feature) => feature.kind === "numerical")
      .map((feature) => [feature.name, Float64Array.from((profile.columns[feature.name] ?? []).map(Number)).sort()]),
  );
  return { modelId: version.modelId, layout, reference, referenceSorted };
}

function getContext(db: TDatabase, versionId: string) {
  let context = contexts.get(versionId);
  if (!context) {
    context = loadContext(db, versionId);
    contexts.set(versionId, context);
    // A failed load is retried next time rather than cached.
    context.catch(() => contexts.delete(versionId));
  }
  return context;
}

async function storeWindow(
  db: TDatabase,
  context: TVersionContext,
  window: { versionId: string; granularity: "hour" | "day"; start: Date; end: Date; summary: TWindowSummary },
) {
  const statistics = windowStatistics({
    layout: context.layout,
    reference: context.reference,
    current: window.summary,
    referenceSorted: context.referenceSorted,
  });
  await db.transaction(async (tx) => {
    await upsertWindow(tx, { modelId: context.modelId, ...window });
    await upsertMonitorResults(
      tx,
      statistics.map((statistic) => ({
        ...statistic,
        modelId: context.modelId,
        versionId: window.versionId,
        granularity: window.granularity,
        start: window.start,
        end: window.end,
      })),
    );
  });
}

/** Recomputes one hour of a version from its predictions and outcomes (not its day: see computeWindows). */
async function computeHour(db: TDatabase, context: TVersionContext, { versionId, hour }: { versionId: string; hour: Date }) {
  const start = new Date(Math.floor(hour.getTime() / HOUR_MS) * HOUR_MS);
  const end = new Date(start.getTime() + HOUR_MS);
  const rows = await listWindowRows(db, { versionId, from: start, to: end });
  await storeWindow(db, context, { versionId, granularity: "hour", start, end, summary: summarizeWindow(context.layout, rows) });
}

/** Rebuilds a version's day window as the merge of its stored hours. */
async function computeDay(db: TDatabase, context: TVersionContext, { versionId, dayStart }: { versionId: string; dayStart: Date }) {
  const dayEnd = new Date(dayStart.getTime() + DAY_MS);
  const hours = await listWindows(db, { versionIds: [versionId], granularity: "hour", from: dayStart, to: dayEnd });
  const day = hours.reduce((sum, window) => mergeWindowSummaries(sum, window.summary), emptyWindowSummary(context.layout));
  await storeWindow(db, context, { versionId, granularity: "day", start: dayStart, end: dayEnd, summary: day });
}

/**
 * Recomputes the given (version, hour) windows, then each day they touch once — merging a day
 * after every one of its hours would read its hours again and again on a backfill.
 * Returns the models whose windows changed, with their context.
 */
export async function computeWindows(
  db: TDatabase,
  candidates: Array<{ versionId: string; hour: Date }>,
): Promise<Map<string, TVersionContext>> {
  const touched = new Map<string, TVersionContext>();
  const days = new Map<string, { versionId: string; dayStart: Date }>();
  const unique = new Map(
    candidates.map((candidate) => [`${candidate.versionId}|${Math.floor(candidate.hour.getTime() / HOUR_MS)}`, candidate]),
  );
  for (const candidate of [...unique.values()].sort((a, b) => a.hour.getTime() - b.hour.getTime())) {
    const context = await getContext(db, candidate.versionId);
    if (!context) continue;
    await computeHour(db, context, candidate);
    const dayStart = new Date(Math.floor(candidate.hour.getTime() / DAY_MS) * DAY_MS);
    days.set(`${candidate.versionId}|${dayStart.getTime()}`, { versionId: candidate.versionId, dayStart });
    touched.set(context.modelId, context);
  }
  for (const day of days.values()) await computeDay(db, (await getContext(db, day.versionId))!, day);
  return touched;
}

/** Recomputes one hour of a version and the day that holds it. */
export async function computeHourWindow(db: TDatabase, candidate: { versionId: string; hour: Date }): Promise<boolean> {
  return (await computeWindows(db, [candidate])).size > 0;
}

/**
 * One pass of the monitoring job: the current and previous hour of every version with traffic,
 * hours whose predictions got outcomes since the last pass, and (first pass) missing hours of
 * the last week. Idempotent: a window is recomputed whole and overwritten.
 */
export async function runMonitorWindows(
  db: TDatabase,
  { now = new Date(), since }: { now?: Date; since: Date | null },
): Promise<{ windows: number; modelIds: string[]; fired: number; resolved: number }> {
  const currentHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const candidates = [
    ...(await listActiveHours(db, { from: new Date(currentHour - HOUR_MS), to: new Date(now.getTime() + 1) })),
    ...(await listHoursWithNewOutcomes(db, { since: since ?? new Date(now.getTime() - BACKFILL_MS), until: new Date(now.getTime() + 1) })),
    ...(since ? [] : await listMissingHours(db, { from: new Date(now.getTime() - BACKFILL_MS), to: new Date(now.getTime() + 1) })),
  ];
  const touched = await computeWindows(db, candidates);
  let fired = 0;
  let resolved = 0;
  for (const [modelId, context] of touched) {
    await ensureDefaultRules(db, { modelId, layout: context.layout, reference: context.reference });
    const result = await evaluateAlertRules(db, modelId, { now });
    fired += result.fired;
    resolved += result.resolved;
  }
  return {
    windows: new Set(candidates.map((candidate) => `${candidate.versionId}|${candidate.hour.getTime()}`)).size,
    modelIds: [...touched.keys()],
    fired,
    resolved,
  };
}

import type { TDatabase } from "@/db/connection";
import {
  countWindowPredictions,
  getHourWindowProgress,
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
  window: { versionId: string; granularity: "hour" | "day"; start: Date; end: Date; summary: TWindowSummary; rowsUntil?: Date },
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

/**
 * How long after its timestamp a prediction is committed: the worker stamps it on arrival and answers
 * only after the commit, which the statement timeout (15 s) bounds. Predictions stamped before
 * `now - settledMs` are there, so a window that has read up to that point need not read it again (a
 * longer stall is caught when the hour completes: computeHour). The worker's MONITOR_SETTLED_MS (the
 * e2e run shortens it).
 */
const DEFAULT_SETTLED_MS = 60_000;

type TPassTime = { now: Date; settledMs?: number };

type TCandidate = {
  versionId: string;
  hour: Date;
  /** Read the hour from its start (its outcomes changed, or it has no window yet); otherwise only what is new. */
  whole?: boolean;
};

/**
 * Brings one hour of a version up to date (not its day: see computeWindows). An open hour is extended
 * with the predictions stamped since the last pass, up to the settled point; reading it whole every
 * minute read each prediction ~90 times (about 30 passes while its hour was open, 60 while it was the
 * previous one). Returns false when there was nothing new.
 */
async function computeHour(
  db: TDatabase,
  context: TVersionContext,
  { versionId, hour, whole }: TCandidate,
  { now, settledMs = DEFAULT_SETTLED_MS }: TPassTime,
): Promise<boolean> {
  const start = new Date(Math.floor(hour.getTime() / HOUR_MS) * HOUR_MS);
  const end = new Date(start.getTime() + HOUR_MS);
  const settled = new Date(Math.min(end.getTime(), now.getTime() - settledMs));
  const stored = whole ? null : await getHourWindowProgress(db, { versionId, start });
  // A window without rows_until was written before it existed (migration 0024): read it whole, once.
  const from = stored?.rowsUntil ?? start;
  if (settled.getTime() <= from.getTime()) return false;
  const added = summarizeWindow(context.layout, await listWindowRows(db, { versionId, from, to: settled }));
  let summary = stored?.rowsUntil ? mergeWindowSummaries(stored.summary, added) : added;
  // The pass that completes an extended hour checks it against a count of the hour (one index scan an
  // hour): a prediction committed later than its stamp + settledMs (a database stall longer than the
  // recorder's queue and statement timeout) was behind rows_until, and the hour is read whole again.
  if (stored?.rowsUntil && settled.getTime() === end.getTime()) {
    const stamped = await countWindowPredictions(db, { versionId, from: start, to: end });
    if (stamped !== summary.count) summary = summarizeWindow(context.layout, await listWindowRows(db, { versionId, from: start, to: end }));
  }
  await storeWindow(db, context, { versionId, granularity: "hour", start, end, summary, rowsUntil: settled });
  return true;
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
  candidates: TCandidate[],
  time: TPassTime = { now: new Date() },
): Promise<Map<string, TVersionContext>> {
  const touched = new Map<string, TVersionContext>();
  const days = new Map<string, { versionId: string; dayStart: Date }>();
  // One entry per (version, hour); read whole if any of its reasons says so.
  const unique = new Map<string, TCandidate>();
  for (const candidate of candidates) {
    const key = `${candidate.versionId}|${Math.floor(candidate.hour.getTime() / HOUR_MS)}`;
    unique.set(key, { ...candidate, whole: Boolean(candidate.whole || unique.get(key)?.whole) });
  }
  for (const candidate of [...unique.values()].sort((a, b) => a.hour.getTime() - b.hour.getTime())) {
    const context = await getContext(db, candidate.versionId);
    if (!context) continue;
    if (!(await computeHour(db, context, candidate, time))) continue;
    const dayStart = new Date(Math.floor(candidate.hour.getTime() / DAY_MS) * DAY_MS);
    days.set(`${candidate.versionId}|${dayStart.getTime()}`, { versionId: candidate.versionId, dayStart });
    touched.set(context.modelId, context);
  }
  for (const day of days.values()) await computeDay(db, (await getContext(db, day.versionId))!, day);
  return touched;
}

/** Recomputes one hour of a version whole (up to the settled point) and the day that holds it. */
export async function computeHourWindow(
  db: TDatabase,
  candidate: { versionId: string; hour: Date },
  time: TPassTime = { now: new Date() },
): Promise<boolean> {
  return (await computeWindows(db, [{ ...candidate, whole: true }], time)).size > 0;
}

/**
 * One pass of the monitoring job: the current and previous hour of every version with traffic,
 * hours whose predictions got outcomes since the last pass, and (first pass) missing hours of
 * the last week. Idempotent: a window is recomputed whole and overwritten.
 */
export async function runMonitorWindows(
  db: TDatabase,
  { now = new Date(), since, settledMs }: { now?: Date; since: Date | null; settledMs?: number },
): Promise<{ windows: number; modelIds: string[]; fired: number; resolved: number }> {
  const currentHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const candidates = [
    ...(await listActiveHours(db, { from: new Date(currentHour - HOUR_MS), to: new Date(now.getTime() + 1) })),
    ...(
      await listHoursWithNewOutcomes(db, { since: since ?? new Date(now.getTime() - BACKFILL_MS), until: new Date(now.getTime() + 1) })
    ).map((candidate) => ({ ...candidate, whole: true })),
    ...(since ? [] : await listMissingHours(db, { from: new Date(now.getTime() - BACKFILL_MS), to: new Date(now.getTime() + 1) })),
  ];
  const touched = await computeWindows(db, candidates, { now, settledMs });
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

import { and, asc, desc, eq, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { DomainError } from "@/lib/errors";
import { markUnusual, summarizeReference } from "@/lib/explain/reference";
import type { TQueueCursor } from "@/lib/review/queue-query";
import type { TReviewItemDetail, TReviewQueueItem, TReviewReasonCode, TSimilarCase, TSlaState } from "@/lib/types/review";
import type { TDb } from "../connection";
import { countQueueFromBuckets, type TStateCounts } from "./review-counts";
import { modelVersions, models, outcomes, predictions, reviewItems, users } from "../schema";

export type TQueueFilter = {
  modelSlug?: string;
  reason?: TReviewReasonCode;
  sla?: TSlaState;
  /** available: open or with an expired claim; claimed: held by someone now; mine: held by `userId`. */
  status?: "available" | "claimed" | "mine";
  userId?: string;
  minAgeHours?: number;
  includeDecided?: boolean;
};

const claimedBy = alias(users, "claimed_by_user");
const decidedBy = alias(users, "decided_by_user");

// An item whose claim expired is back in the queue, whatever its status column says.
const isAvailable = sql`(${reviewItems.status} = 'open' or (${reviewItems.status} = 'claimed' and ${reviewItems.claimExpiresAt} < now()))`;
const isHeld = sql`(${reviewItems.status} = 'claimed' and ${reviewItems.claimExpiresAt} >= now())`;
// The SQL twin of slaState (lib/review/sla.ts): due soon from due_soon_at, the start of the window's last quarter
// (migration 0018). Plain comparisons with now(), so each state is an index range of due_at or due_soon_at.
const isOverdue = sql`${reviewItems.dueAt} <= now()`;
const isDueSoon = sql`(${reviewItems.dueAt} > now() and ${reviewItems.dueSoonAt} <= now())`;
const isOnTrack = sql`(${reviewItems.dueAt} > now() and ${reviewItems.dueSoonAt} > now())`;
const SLA_CONDITIONS: Record<TSlaState, SQL> = { overdue: isOverdue, due_soon: isDueSoon, on_track: isOnTrack };

function queueConditions(filter: TQueueFilter): SQL | undefined {
  const parts: SQL[] = [];
  // Not decided: `status <> 'decided'` is the predicate of the queue's partial index.
  if (!filter.includeDecided) parts.push(sql`${reviewItems.status} <> 'decided'`);
  // A sub-select rather than a join, so counts need no join at all.
  if (filter.modelSlug) parts.push(sql`${reviewItems.modelId} = (select id from models where slug = ${filter.modelSlug})`);
  if (filter.reason) parts.push(eq(reviewItems.reason, filter.reason));
  if (filter.minAgeHours) parts.push(sql`${reviewItems.createdAt} < now() - make_interval(hours => ${filter.minAgeHours})`);
  if (filter.sla) parts.push(SLA_CONDITIONS[filter.sla]);
  if (filter.status === "available") parts.push(isAvailable);
  if (filter.status === "claimed") parts.push(isHeld);
  if (filter.status === "mine") parts.push(sql`${isHeld} and ${reviewItems.claimedBy} = ${filter.userId ?? null}::uuid`);
  return parts.length ? and(...parts) : undefined;
}

/**
 * The queue's items in order, `limit` of them: picked from review_items alone (an index range of
 * the open-items index, whatever the backlog), then joined to their model, prediction and
 * claimer. Joining first lets the planner misjudge the prediction join and sort the whole backlog.
 */
async function selectQueueRows(db: TDb, where: SQL | undefined, direction: "asc" | "desc", limit: number) {
  const order = direction === "asc" ? [asc(reviewItems.dueAt), asc(reviewItems.id)] : [desc(reviewItems.dueAt), desc(reviewItems.id)];
  const page = db
    .select({
      id: reviewItems.id,
      modelId: reviewItems.modelId,
      predictionId: reviewItems.predictionId,
      predictionCreatedAt: reviewItems.predictionCreatedAt,
      reason: reviewItems.reason,
      status: reviewItems.status,
      claimedBy: reviewItems.claimedBy,
      claimExpiresAt: reviewItems.claimExpiresAt,
      dueAt: reviewItems.dueAt,
      createdAt: reviewItems.createdAt,
      // The exact due time (microseconds) for keyset cursors: a JavaScript Date keeps only milliseconds.
      dueAtKey: sql<string>`to_char(${reviewItems.dueAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as("due_at_key"),
    })
    .from(reviewItems)
    .where(where)
    .orderBy(...order)
    .limit(limit)
    .as("page");
  return db
    .select({
      id: page.id,
      modelSlug: models.slug,
      modelName: models.displayName,
      reason: page.reason,
      status: page.status,
      claimedByName: claimedBy.name,
      claimExpiresAt: page.claimExpiresAt,
      dueAt: page.dueAt,
      createdAt: page.createdAt,
      probability: predictions.probability,
      label: predictions.label,
      dueAtKey: page.dueAtKey,
    })
    .from(page)
    .innerJoin(models, eq(models.id, page.modelId))
    .innerJoin(predictions, and(eq(predictions.id, page.predictionId), eq(predictions.createdAt, page.predictionCreatedAt)))
    .leftJoin(claimedBy, eq(claimedBy.id, page.claimedBy))
    .orderBy(...(direction === "asc" ? [asc(page.dueAt), asc(page.id)] : [desc(page.dueAt), desc(page.id)]));
}

type TQueueRow = Awaited<ReturnType<typeof selectQueueRows>>[number];

// An expired claim shows as open: anyone may take it.
function toQueueItem({ dueAtKey: _key, ...row }: TQueueRow, now = new Date()): TReviewQueueItem {
  return row.status === "claimed" && row.claimExpiresAt && row.claimExpiresAt < now ? { ...row, status: "open", claimedByName: null } : row;
}

const keyOf = (row: TQueueRow): TQueueCursor => ({ dueAt: row.dueAtKey, id: row.id });
const position = sql`(${reviewItems.dueAt}, ${reviewItems.id})`;
const cursorValue = (cursor: TQueueCursor) => sql`(${cursor.dueAt}::timestamptz, ${cursor.id}::uuid)`;

export type TReviewQueuePage = {
  items: TReviewQueueItem[];
  /** Items of the filtered queue before this page's first (its 0-based position). */
  offset: number;
  /** Cursors for the neighbouring pages, null where there is none. */
  previous: TQueueCursor | null;
  next: TQueueCursor | null;
};

type TPageRequest = { limit: number; after?: TQueueCursor; before?: TQueueCursor };

export type TQueueCounts = { total: number } & Record<TSlaState, number>;

type TPageBound = Omit<TPageRequest, "limit">;

/**
 * The filtered queue's size by SLA state and, given a cursor, how many of its items lie at or
 * before it. The SLA filter is left out of the per-state counts, so the page can show every state
 * beside the one chosen; `total` and `ahead` honour it. Read from the hourly buckets
 * (review-counts.ts) whatever the backlog, except for the rarer filters those cannot answer (an
 * age, claimed or mine), which take one pass over the open items.
 */
export async function aggregateQueue(db: TDb, filter: TQueueFilter, page: TPageBound = {}): Promise<TQueueCounts & { ahead: number }> {
  const bucketed = !filter.includeDecided && !filter.minAgeHours && (!filter.status || filter.status === "available");
  if (!bucketed) return aggregateQueueByScan(db, filter, page);
  const cursor = page.after ? { at: page.after, inclusive: true } : page.before ? { at: page.before, inclusive: false } : undefined;
  const counts = await countQueueFromBuckets(db, { modelSlug: filter.modelSlug, reason: filter.reason }, { cursor });
  // Available = undecided less what is held now.
  const held = filter.status === "available";
  const less = (all: TStateCounts, heldNow: TStateCounts): TStateCounts => ({
    total: all.total - (held ? heldNow.total : 0),
    overdue: all.overdue - (held ? heldNow.overdue : 0),
    due_soon: all.due_soon - (held ? heldNow.due_soon : 0),
    on_track: all.on_track - (held ? heldNow.on_track : 0),
  });
  const byState = less(counts.undecided, counts.held);
  const ahead = less(counts.ahead.undecided, counts.ahead.held);
  const chosen = filter.sla ?? "total";
  return { ...byState, total: byState[chosen], ahead: ahead[chosen] };
}

/** aggregateQueue by one pass over the open items: the plain definition, and what the buckets cannot answer. */
export async function aggregateQueueByScan(
  db: TDb,
  filter: TQueueFilter,
  page: TPageBound = {},
): Promise<TQueueCounts & { ahead: number }> {
  const chosen = filter.sla ? SLA_CONDITIONS[filter.sla] : sql`true`;
  const bound = page.after
    ? sql`${position} <= ${cursorValue(page.after)}`
    : page.before
      ? sql`${position} < ${cursorValue(page.before)}`
      : sql`false`;
  const [row] = await db
    .select({
      overdue: sql<number>`count(*) filter (where ${isOverdue})::int`,
      due_soon: sql<number>`count(*) filter (where ${isDueSoon})::int`,
      on_track: sql<number>`count(*) filter (where ${isOnTrack})::int`,
      ahead: sql<number>`count(*) filter (where ${chosen} and ${bound})::int`,
    })
    .from(reviewItems)
    .where(queueConditions({ ...filter, sla: undefined }));
  const byState = { overdue: row?.overdue ?? 0, due_soon: row?.due_soon ?? 0, on_track: row?.on_track ?? 0 };
  const total = filter.sla ? byState[filter.sla] : byState.overdue + byState.due_soon + byState.on_track;
  return { ...byState, total, ahead: row?.ahead ?? 0 };
}

/** The filtered queue's size by SLA state (the SLA filter left out of those; `total` honours it). */
export async function countReviewQueue(db: TDb, filter: TQueueFilter): Promise<TQueueCounts> {
  const { ahead: _ahead, ...counts } = await aggregateQueue(db, filter);
  return counts;
}

/**
 * One page of the queue by keyset (due time, then id) rather than OFFSET: one index range
 * whatever the page, and an item added or decided meanwhile never makes another repeat or vanish
 * between pages. `after` pages forward, `before` back; a page back that comes up short (items
 * decided since) is the first page instead. The rows and the counts are read at once.
 */
async function readQueuePage(db: TDb, filter: TQueueFilter, page: TPageRequest): Promise<{ counts: TQueueCounts; page: TReviewQueuePage }> {
  const conditions = queueConditions(filter);
  const rowsRead = page.before
    ? selectQueueRows(db, and(conditions, sql`${position} < ${cursorValue(page.before)}`), "desc", page.limit).then((rows) =>
        rows.reverse(),
      )
    : selectQueueRows(db, and(conditions, page.after ? sql`${position} > ${cursorValue(page.after)}` : undefined), "asc", page.limit + 1);
  const [rows, { ahead, ...counts }] = await Promise.all([rowsRead, aggregateQueue(db, filter, page)]);
  if (page.before && rows.length < page.limit) return readQueuePage(db, filter, { limit: page.limit });
  const shown = rows.slice(0, page.limit);
  // After a cursor, the page starts just past the `ahead` items at or before it; before one, it ends just short of them.
  const offset = page.after ? ahead : page.before ? Math.max(0, ahead - shown.length) : 0;
  const first = shown[0];
  const last = shown.at(-1);
  const more = page.before ? counts.total > offset + shown.length : rows.length > page.limit;
  return {
    counts,
    page: {
      items: shown.map((row) => toQueueItem(row)),
      offset,
      previous: first && offset > 0 ? keyOf(first) : null,
      next: last && more ? keyOf(last) : null,
    },
  };
}

export async function listReviewQueuePage(db: TDb, filter: TQueueFilter, page: TPageRequest): Promise<TReviewQueuePage> {
  return (await readQueuePage(db, filter, page)).page;
}

export type TOpenReviewCounts = {
  /** Every item not yet decided. */
  total: number;
  overdue: number;
  dueSoon: number;
  onTrack: number;
  /** Open, or with an expired claim: what "claim next" can hand out. */
  available: number;
  /** Held by someone under an unexpired claim. */
  claimed: number;
  /** Held by `userId` (0 without one). */
  mine: number;
};

/**
 * The undecided review items, by SLA state and by claim, optionally for one model (slug). A
 * stable entry point for navigation counts and home pages.
 */
export async function countOpenReviewItems(db: TDb, options: { modelSlug?: string; userId?: string } = {}): Promise<TOpenReviewCounts> {
  const { undecided, held } = await countQueueFromBuckets(db, { modelSlug: options.modelSlug }, { userId: options.userId });
  return {
    total: undecided.total,
    overdue: undecided.overdue,
    dueSoon: undecided.due_soon,
    onTrack: undecided.on_track,
    available: undecided.total - held.total,
    claimed: held.total,
    mine: options.userId ? held.mine : 0,
  };
}

/** The models an analyst can filter the queue by: names only, no per-model statistics. */
async function listReviewModelOptions(db: TDb): Promise<Array<{ slug: string; displayName: string }>> {
  return db.select({ slug: models.slug, displayName: models.displayName }).from(models).orderBy(asc(models.displayName));
}

/**
 * Claims the next available item (soonest due) for a user, or returns the item the user already
 * holds. SKIP LOCKED lets concurrent claimers pass over rows another transaction is taking.
 * `excludeIds` are items this analyst skipped: never handed back to them in the same session.
 */
export async function claimNextReviewItem(
  db: TDb,
  input: { userId: string; claimMinutes: number; modelSlug?: string; excludeIds?: readonly string[] },
): Promise<string | null> {
  const excluded = input.excludeIds?.length ? sql`and not (id = any(${`{${input.excludeIds.join(",")}}`}::uuid[]))` : sql``;
  const held = await db.execute<{ id: string }>(sql`
    select id from review_items where status = 'claimed' and claimed_by = ${input.userId} and claim_expires_at > now() ${excluded} order by due_at limit 1`);
  if (held[0]) return held[0].id;
  const modelCondition = input.modelSlug ? sql`and model_id = (select id from models where slug = ${input.modelSlug})` : sql``;
  const claimed = await db.execute<{ id: string }>(sql`
    update review_items set status = 'claimed', claimed_by = ${input.userId}, claim_expires_at = now() + make_interval(mins => ${input.claimMinutes})
    where id = (
      select id from review_items
      where status <> 'decided' and (status = 'open' or (status = 'claimed' and claim_expires_at < now())) ${modelCondition} ${excluded}
      order by due_at, id limit 1
      for update skip locked)
    returning id`);
  return claimed[0]?.id ?? null;
}

/** Claims one chosen item; refused while someone else holds an unexpired claim on it. */
export async function claimReviewItem(db: TDb, input: { id: string; userId: string; claimMinutes: number }): Promise<void> {
  const claimed = await db
    .update(reviewItems)
    .set({ status: "claimed", claimedBy: input.userId, claimExpiresAt: sql`now() + make_interval(mins => ${input.claimMinutes})` })
    .where(
      and(
        eq(reviewItems.id, input.id),
        sql`(${isAvailable} or (${reviewItems.status} = 'claimed' and ${reviewItems.claimedBy} = ${input.userId}))`,
      ),
    )
    .returning({ id: reviewItems.id });
  if (claimed.length === 0) {
    const [item] = await db.select({ status: reviewItems.status }).from(reviewItems).where(eq(reviewItems.id, input.id));
    if (!item) throw new DomainError("review_item_not_found", "That review item does not exist.", 404);
    throw new DomainError(
      item.status === "decided" ? "review_item_decided" : "review_item_claimed",
      item.status === "decided" ? "This item has already been decided." : "Another analyst is working on this item.",
      409,
    );
  }
}

/**
 * Records a decision: only the analyst holding the claim may decide, once. The decision becomes
 * the prediction's outcome (a label for monitoring and retraining) in the same transaction.
 */
export async function decideReviewItem(
  db: TDb,
  input: {
    id: string;
    userId: string;
    decision: "accept" | "override";
    finalLabel: string;
    labelValue: 0 | 1;
    reasonCode: string | null;
    comment: string | null;
  },
) {
  const [item] = await db.select().from(reviewItems).where(eq(reviewItems.id, input.id)).for("update");
  if (!item) throw new DomainError("review_item_not_found", "That review item does not exist.", 404);
  if (item.status === "decided") throw new DomainError("review_item_decided", "This item has already been decided.", 409);
  if (item.status !== "claimed" || item.claimedBy !== input.userId) {
    throw new DomainError(
      "review_item_not_claimed",
      "Claim this item before deciding it (your claim may have expired and been taken).",
      409,
    );
  }
  const [decided] = await db
    .update(reviewItems)
    .set({
      status: "decided",
      decision: input.decision,
      finalLabel: input.finalLabel,
      reasonCode: input.reasonCode,
      comment: input.comment,
      decidedBy: input.userId,
      decidedAt: sql`now()`,
    })
    .where(eq(reviewItems.id, input.id))
    .returning();
  await db
    .insert(outcomes)
    .values({
      predictionId: item.predictionId,
      predictionCreatedAt: item.predictionCreatedAt,
      modelId: item.modelId,
      label: input.finalLabel,
      labelValue: input.labelValue,
      source: "review",
      recordedBy: input.userId,
    })
    .onConflictDoNothing({ target: outcomes.predictionId });
  return decided;
}

/** Everything the item view shows. */
export async function getReviewItemDetail(db: TDb, id: string): Promise<TReviewItemDetail | null> {
  const [row] = await db
    .select({
      item: reviewItems,
      modelSlug: models.slug,
      modelName: models.displayName,
      prediction: predictions,
      modelVersion: modelVersions.version,
      inputSchema: modelVersions.inputSchema,
      outputSchema: modelVersions.outputSchema,
      // Only the columns: the rest of the profile (labels, counts) is not needed here.
      referenceColumns: sql<Record<string, Array<number | string>> | null>`${modelVersions.referenceProfile}->'columns'`,
      claimedByName: claimedBy.name,
      decidedByName: decidedBy.name,
    })
    .from(reviewItems)
    .innerJoin(models, eq(models.id, reviewItems.modelId))
    .innerJoin(predictions, and(eq(predictions.id, reviewItems.predictionId), eq(predictions.createdAt, reviewItems.predictionCreatedAt)))
    .leftJoin(modelVersions, eq(modelVersions.id, predictions.modelVersionId))
    .leftJoin(claimedBy, eq(claimedBy.id, reviewItems.claimedBy))
    .leftJoin(decidedBy, eq(decidedBy.id, reviewItems.decidedBy))
    .where(eq(reviewItems.id, id))
    .limit(1);
  if (!row) return null;
  const schema = (row.inputSchema ?? { features: [] }) as {
    features?: Array<{ name: string; modelInput?: boolean; min?: number; max?: number; tensorType?: string }>;
  };
  const inputs = (schema.features ?? []).filter((feature) => feature.modelInput);
  const output = (row.outputSchema ?? {}) as { positiveLabel?: string; negativeLabel?: string };
  const expired = row.item.status === "claimed" && row.item.claimExpiresAt !== null && row.item.claimExpiresAt < new Date();
  const reference = summarizeReference(
    row.referenceColumns ?? {},
    inputs.map((feature) => feature.name),
  );
  return {
    id: row.item.id,
    predictionId: row.item.predictionId,
    modelVersionId: row.item.modelVersionId,
    modelSlug: row.modelSlug,
    modelName: row.modelName,
    modelVersion: row.modelVersion,
    role: row.prediction.role,
    reason: row.item.reason,
    status: expired ? "open" : row.item.status,
    claimedBy: expired ? null : row.item.claimedBy,
    claimedByName: expired ? null : row.claimedByName,
    claimExpiresAt: row.item.claimExpiresAt,
    dueAt: row.item.dueAt,
    createdAt: row.item.createdAt,
    probability: row.prediction.probability,
    label: row.prediction.label,
    confidence: row.prediction.confidence,
    features: inputs.map((feature, index) => {
      // A model input that is not float32 (a category string, int64, double) keeps its exact value in the attributes.
      const exact = (feature.tensorType ?? "float32") !== "float32" ? row.prediction.attributes[feature.name] : undefined;
      const value = typeof exact === "string" || typeof exact === "number" ? exact : (row.prediction.features[index] ?? null);
      const number = typeof value === "number" ? value : null;
      const outOfRange =
        number !== null && ((feature.min !== undefined && number < feature.min) || (feature.max !== undefined && number > feature.max));
      return {
        name: feature.name,
        value,
        ...(typeof value === "string" ? { code: row.prediction.features[index] } : {}),
        min: feature.min,
        max: feature.max,
        outOfRange,
        reference: reference[feature.name] ?? null,
        unusual: markUnusual(number, reference[feature.name]),
      };
    }),
    // Context only: the exact values of model inputs are shown with the inputs.
    attributes: Object.fromEntries(
      Object.entries(row.prediction.attributes).filter(([name]) => !inputs.some((feature) => feature.name === name)),
    ),
    positiveLabel: output.positiveLabel ?? "positive",
    negativeLabel: output.negativeLabel ?? "negative",
    decision: row.item.decision,
    finalLabel: row.item.finalLabel,
    reasonCode: row.item.reasonCode,
    comment: row.item.comment,
    decidedByName: row.decidedByName,
    decidedAt: row.item.decidedAt,
  };
}

// Bounds the cost of a similar-cases lookup on a version with a long history.
const SIMILAR_CANDIDATES = 5_000;

/**
 * The `limit` decided items of the same version nearest to `features` by standardized Euclidean
 * distance, √Σ((x_i − y_i)/s_i)², with s_i the reference std of input i (standardizing both rows
 * with the reference mean and std gives the same distance: the means cancel). Computed in SQL
 * over the version's most recently decided ≤ 5,000 items, so only the nearest rows leave the
 * database.
 */
export async function listSimilarDecidedItems(
  db: TDb,
  input: {
    excludeItemId: string;
    modelVersionId: string;
    features: number[];
    scales: number[];
    limit?: number;
  },
): Promise<TSimilarCase[]> {
  // The item's inputs went through real[] like every candidate's: compare them at the same precision.
  const target = sql`${`{${input.features.join(",")}}`}::real[]::float8[]`;
  const scales = sql`${`{${input.scales.join(",")}}`}::float8[]`;
  const rows = await db.execute<{
    id: string;
    distance: number;
    probability: number;
    label: string;
    decision: "accept" | "override";
    final_label: string;
    reason_code: string | null;
    decided_at: string;
  }>(sql`
    with candidates as (
      select r.id, r.decision, r.final_label, r.reason_code, r.decided_at, p.probability, p.label, p.features
      from review_items r
      join predictions p on p.id = r.prediction_id and p.created_at = r.prediction_created_at
      where r.model_version_id = ${input.modelVersionId} and r.status = 'decided' and r.id <> ${input.excludeItemId}
      order by r.decided_at desc nulls last
      limit ${SIMILAR_CANDIDATES})
    select c.id, c.decision, c.final_label, c.reason_code, c.decided_at, c.probability, c.label,
      (select sqrt(sum(((u.value - u.target) / u.scale) ^ 2)) from unnest(c.features::float8[], ${target}, ${scales}) as u(value, target, scale)) as distance
    from candidates c
    order by distance, c.decided_at desc
    limit ${input.limit ?? 5}`);
  return rows.map((row) => ({
    id: row.id,
    distance: Number(row.distance),
    probability: Number(row.probability),
    label: row.label,
    decision: row.decision,
    finalLabel: row.final_label,
    reasonCode: row.reason_code,
    decidedAt: new Date(row.decided_at),
  }));
}

export type TReviewQueueView = {
  counts: TQueueCounts;
  page: TReviewQueuePage;
  models: Array<{ slug: string; displayName: string }>;
};

/** Everything /review reads, at once: the counts, one page and the model filter's options (`npm run bench:queue` times it). */
export async function loadReviewQueueView(db: TDb, filter: TQueueFilter, page: TPageRequest): Promise<TReviewQueueView> {
  const [read, modelOptions] = await Promise.all([readQueuePage(db, filter, page), listReviewModelOptions(db)]);
  return { ...read, models: modelOptions };
}

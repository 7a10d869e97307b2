import { sql, type SQL } from "drizzle-orm";
import type { TQueueCursor } from "@/lib/review/queue-query";
import type { TReviewReasonCode, TSlaState } from "@/lib/types/review";
import type { TDb } from "../connection";

/**
 * The review queue's counts from the hourly buckets of migration 0018, so a count costs the
 * buckets (a few per model, reason and hour of backlog) plus the items of the current hour, however
 * large the backlog. Every figure is exact: a bucket wholly before (or after) this hour is all on
 * one side of now, and the current hour's items are compared with now one by one.
 *
 * `aggregateQueueByScan` in review.ts is the plain definition these figures must equal
 * (review-counts.int.test.ts holds them side by side).
 */

export type TStateCounts = Record<TSlaState, number> & { total: number };

export type TBucketCounts = {
  /** Every undecided item in scope. */
  undecided: TStateCounts;
  /** Those held now (claimed, claim not expired): few, so read one by one. */
  held: TStateCounts & { mine: number };
  /** Items at or before (`inclusive`) or strictly before the cursor, among the undecided and the held: in all and by state. */
  ahead: { undecided: TStateCounts; held: TStateCounts };
};

export type TBucketScope = { modelSlug?: string; reason?: TReviewReasonCode };

function scopeConditions(scope: TBucketScope, columns: { modelId: SQL; reason: SQL }): SQL {
  const parts: SQL[] = [sql`true`];
  if (scope.modelSlug) parts.push(sql`${columns.modelId} = (select id from models where slug = ${scope.modelSlug})`);
  if (scope.reason) parts.push(sql`${columns.reason} = ${scope.reason}`);
  return sql.join(parts, sql` and `);
}

/**
 * A model's undecided items as an SQL expression (for a query over models): the sum of its buckets,
 * exactly `undecided.total` of countQueueFromBuckets, since the total needs no comparison with now.
 */
export const undecidedItemsOfModel = (modelId: SQL) =>
  sql`(select coalesce(sum(c.items), 0)::int from review_queue_counts c where c.model_id = ${modelId})`;

/** A version's undecided items likewise (the buckets are per version too, migration 0023). */
export const undecidedItemsOfVersion = (modelId: SQL, versionId: SQL) =>
  sql`(select coalesce(sum(c.items), 0)::int from review_queue_counts c where c.model_id = ${modelId} and c.model_version_id = ${versionId})`;

const epochHour = (timestamp: SQL) => sql`floor(extract(epoch from ${timestamp}) / 3600)::bigint`;

export async function countQueueFromBuckets(
  db: TDb,
  scope: TBucketScope,
  options: { cursor?: { at: TQueueCursor; inclusive: boolean }; userId?: string } = {},
): Promise<TBucketCounts> {
  const inBuckets = scopeConditions(scope, { modelId: sql`c.model_id`, reason: sql`c.reason` });
  const inItems = scopeConditions(scope, { modelId: sql`r.model_id`, reason: sql`r.reason` });
  const cursor = options.cursor;
  const cursorAt = cursor ? sql`${cursor.at.dueAt}::timestamptz` : sql`null::timestamptz`;
  const position = cursor
    ? sql`(r.due_at, r.id) ${cursor.inclusive ? sql`<=` : sql`<`} (${cursor.at.dueAt}::timestamptz, ${cursor.at.id}::uuid)`
    : sql`false`;
  const rows = await db.execute<{
    total: number;
    overdue_whole: number;
    on_track_whole: number;
    ahead_whole: number;
    overdue_edge: number;
    on_track_edge: number;
    ahead_edge: number;
    cursor_past: boolean;
    ahead_on_track_whole: number;
    ahead_on_track_cursor_edge: number;
    ahead_on_track_soon_edge: number;
    held_total: number;
    held_overdue: number;
    held_on_track: number;
    held_mine: number;
    held_ahead: number;
    held_ahead_overdue: number;
    held_ahead_on_track: number;
  }>(sql`
    with clock as (select ${epochHour(sql`now()`)} as hour, ${epochHour(cursorAt)} as cursor_hour),
    buckets as (
      select coalesce(sum(c.items), 0)::int as total,
        coalesce(sum(c.items) filter (where c.due_hour < clock.hour), 0)::int as overdue_whole,
        coalesce(sum(c.items) filter (where c.soon_hour > clock.hour), 0)::int as on_track_whole,
        coalesce(sum(c.items) filter (where c.due_hour < clock.cursor_hour), 0)::int as ahead_whole,
        coalesce(sum(c.items) filter (where c.soon_hour > clock.hour and c.due_hour < clock.cursor_hour), 0)::int as ahead_on_track_whole
      from review_queue_counts c, clock where ${inBuckets}
    ),
    held as (
      select count(*)::int as held_total,
        count(*) filter (where r.due_at <= now())::int as held_overdue,
        count(*) filter (where r.due_at > now() and r.due_soon_at > now())::int as held_on_track,
        count(*) filter (where r.claimed_by = ${options.userId ?? null}::uuid)::int as held_mine,
        count(*) filter (where ${position})::int as held_ahead,
        count(*) filter (where ${position} and r.due_at <= now())::int as held_ahead_overdue,
        count(*) filter (where ${position} and r.due_at > now() and r.due_soon_at > now())::int as held_ahead_on_track
      from review_items r where r.status = 'claimed' and r.claim_expires_at >= now() and ${inItems}
    )
    select buckets.*, held.*,
      (select count(*)::int from review_items r where r.status <> 'decided' and ${inItems}
        and r.due_at >= to_timestamp(clock.hour * 3600) and r.due_at <= now()) as overdue_edge,
      (select count(*)::int from review_items r where r.status <> 'decided' and ${inItems}
        and r.due_soon_at > now() and r.due_soon_at < to_timestamp((clock.hour + 1) * 3600)) as on_track_edge,
      (select count(*)::int from review_items r where r.status <> 'decided' and ${inItems}
        and r.due_at >= to_timestamp(clock.cursor_hour * 3600) and ${position}) as ahead_edge,
      coalesce(${cursorAt} <= now(), false) as cursor_past,
      -- On track and before the cursor: the cursor's hour read for due-soon times past now, and this
      -- hour's due-soon times past now read for items due before the cursor's hour (disjoint).
      (select count(*)::int from review_items r where r.status <> 'decided' and ${inItems}
        and r.due_at >= to_timestamp(clock.cursor_hour * 3600) and ${position} and r.due_soon_at > now()) as ahead_on_track_cursor_edge,
      (select count(*)::int from review_items r where r.status <> 'decided' and ${inItems}
        and r.due_soon_at > now() and r.due_soon_at < to_timestamp((clock.hour + 1) * 3600)
        and r.due_at < to_timestamp(clock.cursor_hour * 3600)) as ahead_on_track_soon_edge
    from buckets, held, clock`);
  const row = rows[0]!;
  const overdue = row.overdue_whole + row.overdue_edge;
  const onTrack = row.on_track_whole + row.on_track_edge;
  const aheadAll = cursor ? row.ahead_whole + row.ahead_edge : 0;
  // A cursor at or before now has only overdue items before it; one after now has every overdue item before it.
  const aheadOverdue = !cursor ? 0 : row.cursor_past ? aheadAll : overdue;
  const aheadOnTrack = cursor ? row.ahead_on_track_whole + row.ahead_on_track_cursor_edge + row.ahead_on_track_soon_edge : 0;
  const heldDueSoon = row.held_total - row.held_overdue - row.held_on_track;
  return {
    undecided: { total: row.total, overdue, on_track: onTrack, due_soon: row.total - overdue - onTrack },
    held: { total: row.held_total, overdue: row.held_overdue, on_track: row.held_on_track, due_soon: heldDueSoon, mine: row.held_mine },
    ahead: {
      undecided: { total: aheadAll, overdue: aheadOverdue, on_track: aheadOnTrack, due_soon: aheadAll - aheadOverdue - aheadOnTrack },
      held: {
        total: row.held_ahead,
        overdue: row.held_ahead_overdue,
        on_track: row.held_ahead_on_track,
        due_soon: row.held_ahead - row.held_ahead_overdue - row.held_ahead_on_track,
      },
    },
  };
}

/**
 * Folds the appended bucket rows into one per bucket and drops the empty ones (the worker's
 * periodic pass). Rows appended meanwhile are not in this statement's snapshot and stay as they are.
 */
export async function compactReviewQueueCounts(db: TDb): Promise<{ before: number; after: number }> {
  const [row] = await db.execute<{ before: number; after: number }>(sql`
    with removed as (delete from review_queue_counts returning model_id, model_version_id, reason, due_hour, soon_hour, items),
    folded as (
      insert into review_queue_counts (model_id, model_version_id, reason, due_hour, soon_hour, items)
      select model_id, model_version_id, reason, due_hour, soon_hour, sum(items) from removed
      group by model_id, model_version_id, reason, due_hour, soon_hour having sum(items) <> 0
      returning 1)
    select (select count(*) from removed)::int as before, (select count(*) from folded)::int as after`);
  return row!;
}

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slaState } from "@/lib/review/sla";
import type { TQueueCursor } from "@/lib/review/queue-query";
import type { TSlaState } from "@/lib/types/review";
import { openTestDatabase } from "@/scripts/testing/database";
import { aggregateQueue, aggregateQueueByScan, countOpenReviewItems } from "./review";
import { compactReviewQueueCounts, countQueueFromBuckets } from "./review-counts";

const { db, close } = openTestDatabase();
afterAll(close);

const SLUG = "bucket-counts";
const REASONS = ["low_confidence", "high_risk_rule", "random_sample", "shadow_disagreement"] as const;
let modelId = "";
let analystId = "";

type TItem = {
  id: string;
  due_at: Date;
  created_at: Date;
  status: string;
  claim_expires_at: Date | null;
  claimed_by: string | null;
  reason: string;
};
type TRow = Omit<TItem, "due_at" | "created_at" | "claim_expires_at"> & {
  due_at: string;
  created_at: string;
  claim_expires_at: string | null;
};

/** The model's items as stored, and their expected counts by lib/review/sla.ts (the definition), computed here in JS. */
async function expectedCounts(reason?: string) {
  const rows = await db.$client<TRow[]>`
    select id, due_at, created_at, status, claim_expires_at, claimed_by, reason from review_items where model_id = ${modelId}`;
  const items: TItem[] = rows.map((row) => ({
    ...row,
    due_at: new Date(row.due_at),
    created_at: new Date(row.created_at),
    claim_expires_at: row.claim_expires_at === null ? null : new Date(row.claim_expires_at),
  }));
  const now = new Date();
  const undecided = items.filter((item) => item.status !== "decided" && (!reason || item.reason === reason));
  const held = undecided.filter((item) => item.status === "claimed" && item.claim_expires_at !== null && item.claim_expires_at >= now);
  const byState = (list: TItem[]) => {
    const counts: Record<TSlaState, number> = { overdue: 0, due_soon: 0, on_track: 0 };
    for (const item of list) counts[slaState({ now, createdAt: item.created_at, dueAt: item.due_at })] += 1;
    return { ...counts, total: list.length };
  };
  return {
    undecided: byState(undecided),
    held: byState(held),
    heldMine: held.filter((item) => item.claimed_by === analystId).length,
    items,
  };
}

/**
 * Items spread over four days around now with windows of 1 to 72 hours, a fifth of them due (or
 * turning due soon) within the current hour on either side of now, but never within a minute of it
 * (so the clock of the test and of the database agree on every item's state).
 */
async function addItems(count: number, seed: number) {
  await db.$client`
    with params as (
      select g, (array['low_confidence', 'high_risk_rule', 'random_sample', 'shadow_disagreement'])[1 + (g * 7 + ${seed}) % 4] as reason,
        make_interval(hours => 1 + (g * 13 + ${seed}) % 72) as sla,
        case when g % 5 = 0
          then date_trunc('hour', now()) + make_interval(secs => 60 * (1 + (g * 17 + ${seed}) % 58))
          else now() + make_interval(mins => ((g * 37 + ${seed}) % 5760) - 2880) end as target,
        g % 3 = 0 as soon_in_hour
      from generate_series(1, ${count}) g),
    placed as (
      -- When soon_in_hour, the target is the due-soon time (due = target + window / 4 ... solved for due); else the due time.
      select g, reason, sla,
        case when soon_in_hour then target + sla / 4 else target end as due_at
      from params),
    kept as (select * from placed where abs(extract(epoch from (due_at - now()))) > 60
      and abs(extract(epoch from (due_at - sla / 4 - now()))) > 60),
    made as (
      insert into predictions (model_id, role, request_id, features, probability, label, confidence, latency_ms, sent_to_review)
      select ${modelId}, 'champion', 'bucket-' || ${seed} || '-' || g, '{1}', 0.45, 'repay', 0.55, 1, true from kept
      returning id, created_at, request_id)
    insert into review_items (prediction_id, prediction_created_at, model_id, reason, due_at, created_at)
    select m.id, m.created_at, ${modelId}, k.reason, k.due_at, k.due_at - k.sla
    from made m join kept k on m.request_id = 'bucket-' || ${seed} || '-' || k.g`;
}

beforeAll(async () => {
  [{ id: modelId }] = await db.$client<{ id: string }[]>`
    insert into models (slug, display_name, risk_tier) values (${SLUG}, 'Bucket counts', 'low') returning id`;
  [{ id: analystId }] = await db.$client<{ id: string }[]>`
    insert into users (email, name, roles) values ('bucket-analyst@oversight.test', 'Bucket Analyst', '{analyst}')
    on conflict (email) do update set name = excluded.name returning id`;
  await addItems(600, 1);
  // Claims held by the analyst and by nobody in particular, expired ones, and decided items.
  await db.$client`update review_items set status = 'claimed', claimed_by = ${analystId}, claim_expires_at = now() + interval '10 minutes'
    where id in (select id from review_items where model_id = ${modelId} order by id limit 15)`;
  await db.$client`update review_items set status = 'claimed', claimed_by = ${analystId}, claim_expires_at = now() - interval '10 minutes'
    where id in (select id from review_items where model_id = ${modelId} and status = 'open' order by id limit 12)`;
  await db.$client`update review_items set status = 'decided', decision = 'accept', final_label = 'repay', decided_at = now()
    where id in (select id from review_items where model_id = ${modelId} and status = 'open' order by id desc limit 80)`;
});

async function expectBucketsMatch() {
  for (const reason of [undefined, ...REASONS]) {
    const expected = await expectedCounts(reason);
    const counts = await countQueueFromBuckets(db, { modelSlug: SLUG, reason }, { userId: analystId });
    expect(counts.undecided).toEqual(expected.undecided);
    expect(counts.held).toEqual({ ...expected.held, mine: expected.heldMine });
  }
}

describe("review queue counts from hourly buckets", () => {
  it("equal the counts by lib/review/sla.ts, by reason, with claims held, expired and decided items", async () => {
    const expected = await expectedCounts();
    // The data has what the test is about: items in every state, many in the current hour.
    expect(expected.undecided.overdue).toBeGreaterThan(50);
    expect(expected.undecided.due_soon).toBeGreaterThan(20);
    expect(expected.undecided.on_track).toBeGreaterThan(50);
    const hour = Math.floor(Date.now() / 3_600_000);
    expect(expected.items.filter((item) => Math.floor(item.due_at.getTime() / 3_600_000) === hour).length).toBeGreaterThan(20);
    await expectBucketsMatch();
  });

  it("stay equal after decisions, releases, due-time changes and deletions, and after compaction", async () => {
    await db.$client`update review_items set status = 'decided', decision = 'override', final_label = 'default', decided_at = now()
      where id in (select id from review_items where model_id = ${modelId} and status = 'open' order by due_at limit 40)`;
    await db.$client`update review_items set status = 'open', claimed_by = null, claim_expires_at = null
      where id in (select id from review_items where model_id = ${modelId} and status = 'claimed' order by id limit 3)`;
    // A decision taken back (a correction) puts the item back in the queue.
    await db.$client`update review_items set status = 'open', decision = null, final_label = null, decided_at = null
      where id in (select id from review_items where model_id = ${modelId} and status = 'decided' order by id limit 5)`;
    await db.$client`update review_items set due_at = due_at + interval '7 hours'
      where id in (select id from review_items where model_id = ${modelId} and status = 'open' order by id limit 30)`;
    await db.$client`delete from review_items where id in (select id from review_items where model_id = ${modelId} order by id desc limit 25)`;
    await addItems(200, 2);
    await expectBucketsMatch();

    const [{ rows }] = await db.$client<
      { rows: number }[]
    >`select count(*)::int as rows from review_queue_counts where model_id = ${modelId}`;
    const compacted = await compactReviewQueueCounts(db);
    const [{ rows: after }] = await db.$client<
      { rows: number }[]
    >`select count(*)::int as rows from review_queue_counts where model_id = ${modelId}`;
    expect(compacted.after).toBeLessThanOrEqual(compacted.before);
    expect(after).toBeLessThan(rows);
    // One row per bucket, none empty.
    const [{ duplicates, empty }] = await db.$client<{ duplicates: number; empty: number }[]>`
      select (select count(*) from (select 1 from review_queue_counts group by model_id, model_version_id, reason, due_hour, soon_hour having count(*) > 1) d)::int as duplicates,
        (select count(*) from review_queue_counts where items = 0)::int as empty`;
    expect({ duplicates, empty }).toEqual({ duplicates: 0, empty: 0 });
    await expectBucketsMatch();
  });

  it("give the same figures as one pass over the open items for every filter and cursor the queue page uses", async () => {
    const [middle] = await db.$client<{ key: string; id: string }[]>`
      select to_char(due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as key, id from review_items
      where model_id = ${modelId} and status <> 'decided' order by due_at, id offset 200 limit 1`;
    const cursor: TQueueCursor = { dueAt: middle.key, id: middle.id };
    // A cursor among items due later than now (the middle one may be either side of now).
    const [later] = await db.$client<{ key: string; id: string }[]>`
      select to_char(due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as key, id from review_items
      where model_id = ${modelId} and status <> 'decided' and due_at > now() + interval '3 hours' order by due_at, id offset 20 limit 1`;
    const future: TQueueCursor = { dueAt: later.key, id: later.id };
    const cursors = [{}, { after: cursor }, { before: cursor }, { after: future }, { before: future }];
    for (const status of [undefined, "available"] as const)
      for (const reason of [undefined, "random_sample"] as const)
        for (const sla of [undefined, "overdue", "due_soon", "on_track"] as const)
          for (const page of cursors) {
            const filter = { modelSlug: SLUG, status, reason, sla };
            expect(await aggregateQueue(db, filter, page)).toEqual(await aggregateQueueByScan(db, filter, page));
          }
    const open = await countOpenReviewItems(db, { modelSlug: SLUG, userId: analystId });
    const expected = await expectedCounts();
    expect(open).toEqual({
      total: expected.undecided.total,
      overdue: expected.undecided.overdue,
      dueSoon: expected.undecided.due_soon,
      onTrack: expected.undecided.on_track,
      available: expected.undecided.total - expected.held.total,
      claimed: expected.held.total,
      mine: expected.heldMine,
    });
  });
});

import { afterAll, beforeAll, expect, it } from "vitest";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase } from "@/scripts/testing/database";
import type { TQueueCursor } from "@/lib/review/queue-query";
import { releaseReviewItem, skipReviewItem } from "../writes/review";
import { claimNextReviewItem, countOpenReviewItems, countReviewQueue, decideReviewItem, listReviewQueuePage } from "./review";

const { db, close } = openTestDatabase(25);
beforeAll(() => seedDemo(db));
afterAll(close);

it("twenty analysts claiming at once over 200 items decide each item exactly once", async () => {
  const [model] = await db.$client`select id from models where slug = 'credit-default'`;
  await db.$client`delete from review_items where model_id = ${model.id}`;
  const analysts = await db.$client`
    insert into users (email, name, roles)
    select 'claimer' || g || '@oversight.test', 'Claimer ' || g, '{analyst}' from generate_series(1, 20) g
    on conflict (email) do update set name = excluded.name
    returning id`;
  await db.$client`
    with made as (
      insert into predictions (model_id, role, request_id, features, probability, label, confidence, latency_ms, sent_to_review)
      select ${model.id}, 'fallback', 'claim-test-' || g, '{1}', 0.45, 'repay', 0.55, 1, true from generate_series(1, 200) g
      returning id, created_at)
    insert into review_items (prediction_id, prediction_created_at, model_id, reason, due_at)
    select id, created_at, ${model.id}, 'low_confidence', now() + interval '1 day' from made`;

  const decidedBy = new Map<string, string[]>();
  await Promise.all(
    analysts.map(async (analyst) => {
      for (;;) {
        // Within this model: other files may leave items of their own models in the shared queue.
        const id = await db.transaction((tx) =>
          claimNextReviewItem(tx, { userId: analyst.id, claimMinutes: 15, modelSlug: "credit-default" }),
        );
        if (!id) return;
        await db.transaction((tx) =>
          decideReviewItem(tx, {
            id,
            userId: analyst.id,
            decision: "accept",
            finalLabel: "repay",
            labelValue: 0,
            reasonCode: null,
            comment: null,
          }),
        );
        decidedBy.set(id, [...(decidedBy.get(id) ?? []), analyst.id]);
      }
    }),
  );

  expect(decidedBy.size).toBe(200);
  expect([...decidedBy.values()].every((deciders) => deciders.length === 1)).toBe(true);
  const [counts] = await db.$client`
    select count(*) filter (where status = 'decided')::int as decided, count(distinct decided_by)::int as analysts,
           (select count(*)::int from outcomes o join review_items r on r.prediction_id = o.prediction_id where r.model_id = ${model.id} and o.source = 'review') as outcomes
    from review_items where model_id = ${model.id}`;
  expect(counts.decided).toBe(200);
  expect(counts.outcomes).toBe(200);
  // The work was shared: with SKIP LOCKED nobody waits for another's row.
  expect(counts.analysts).toBeGreaterThan(1);
});

it("an expired claim returns the item to the queue, and the first holder can no longer decide it", async () => {
  const [model] = await db.$client`select id from models where slug = 'credit-default'`;
  const [first, second] =
    await db.$client`select id from users where email in ('claimer1@oversight.test', 'claimer2@oversight.test') order by email`;
  const [prediction] =
    await db.$client`insert into predictions (model_id, role, request_id, features, probability, label, confidence, latency_ms) values (${model.id}, 'fallback', 'claim-expiry', '{1}', 0.5, 'repay', 0.5, 1) returning id, created_at`;
  const [item] =
    await db.$client`insert into review_items (prediction_id, prediction_created_at, model_id, reason, due_at) values (${prediction.id}, ${prediction.created_at}, ${model.id}, 'random_sample', now() - interval '1 year') returning id`;
  // Due a year ago, so it is the first the queue hands out even if other tests left open items behind.
  expect(await claimNextReviewItem(db, { userId: first.id, claimMinutes: 15 })).toBe(item.id);
  await db.$client`update review_items set claim_expires_at = now() - interval '1 second' where id = ${item.id}`;
  expect(await claimNextReviewItem(db, { userId: second.id, claimMinutes: 15 })).toBe(item.id);
  await expect(
    db.transaction((tx) =>
      decideReviewItem(tx, {
        id: item.id,
        userId: first.id,
        decision: "accept",
        finalLabel: "repay",
        labelValue: 0,
        reasonCode: null,
        comment: null,
      }),
    ),
  ).rejects.toMatchObject({ code: "review_item_not_claimed" });
});

// Queue at scale: each test works in a model of its own, so items other files leave in the shared queue do not count.
async function makeModel(slug: string): Promise<string> {
  const [model] =
    await db.$client`insert into models (slug, display_name, risk_tier) values (${slug}, ${`Queue test ${slug}`}, 'low') returning id`;
  return model.id;
}

/**
 * Adds `count` open items created at `createdAt` (default now); item g (1-based) is due
 * offset + floor((g − 1) / per) · step microseconds after `base`, so `per` items share each due time.
 */
async function addItems(
  modelId: string,
  count: number,
  input: { base: string; offset?: number; per?: number; step?: number; createdAt?: string },
): Promise<string[]> {
  const rows = await db.$client`
    with made as (
      insert into predictions (model_id, role, request_id, features, probability, label, confidence, latency_ms, sent_to_review)
      select ${modelId}, 'champion', 'queue-test-' || gen_random_uuid(), '{1}', 0.45, 'repay', 0.55, 1, true from generate_series(1, ${count}) g
      returning id, created_at),
    numbered as (select id, created_at, row_number() over (order by id) as g from made)
    insert into review_items (prediction_id, prediction_created_at, model_id, reason, due_at, created_at)
    select id, created_at, ${modelId}, 'low_confidence',
      ${input.base}::timestamptz + make_interval(secs => (${input.offset ?? 0} + floor((g - 1)::numeric / ${input.per ?? 1}) * ${input.step ?? 1}) / 1e6),
      coalesce(${input.createdAt ?? null}::timestamptz, now())
    from numbered returning id`;
  return rows.map((row) => row.id as string);
}

it("keyset pages cover the queue exactly once, in order, while items keep arriving; paging back retraces them", async () => {
  const modelId = await makeModel("queue-paging");
  // 40 items inside one millisecond, three to a microsecond: a cursor rounded to the millisecond, or one without the id, would skip or repeat.
  const original = await addItems(modelId, 40, { base: "2031-01-01T00:00:00Z", per: 3 });
  const filter = { modelSlug: "queue-paging" };
  const ordered = async () =>
    (await db.$client`select id from review_items where model_id = ${modelId} order by due_at, id`).map((row) => row.id as string);
  const expectedOrder = await ordered();

  const seen: string[] = [];
  const offsets: number[] = [];
  const added: string[] = [];
  let after: TQueueCursor | undefined;
  for (let page = 0; page < 20; page += 1) {
    const result = await listReviewQueuePage(db, filter, { limit: 7, after });
    offsets.push(result.offset);
    // The offset is the number of items ahead of the page's first, counted independently.
    if (result.items.length) expect(result.offset).toBe((await ordered()).indexOf(result.items[0].id));
    seen.push(...result.items.map((item) => item.id));
    if (!result.next) break;
    after = result.next;
    // Two arrive between page loads: one due before the page just read (not shown again), one due after it (to come).
    added.push(...(await addItems(modelId, 1, { base: "2031-01-01T00:00:00Z", step: 0 })));
    added.push(...(await addItems(modelId, 1, { base: "2031-01-01T00:00:00Z", offset: 14 })));
  }
  expect(new Set(seen).size).toBe(seen.length);
  expect(seen.filter((id) => original.includes(id))).toEqual(expectedOrder);
  // Seen items are in queue order (due time, then id), whenever they arrived.
  const finalOrder = await ordered();
  expect(seen).toEqual(finalOrder.filter((id) => seen.includes(id)));
  expect(offsets[0]).toBe(0);

  // Back from the end: each page is the 7 items before the previous page's first, down to the first page.
  const everything = await ordered();
  const [anchor] = await db.$client`
    select to_char(due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as key, id from review_items where id = ${everything.at(-8)!}`;
  let page = await listReviewQueuePage(db, filter, { limit: 7, after: { dueAt: anchor.key, id: anchor.id } });
  expect(page.items.map((item) => item.id)).toEqual(everything.slice(-7));
  expect(page.next).toBeNull();
  let end = everything.length - 7;
  while (page.previous) {
    page = await listReviewQueuePage(db, filter, { limit: 7, before: page.previous });
    // A short page back becomes the first page.
    expect(page.items.map((item) => item.id)).toEqual(end >= 7 ? everything.slice(end - 7, end) : everything.slice(0, 7));
    expect(page.offset).toBe(Math.max(0, end - 7));
    expect(page.next).not.toBeNull();
    end = Math.max(0, end - 7);
  }
  expect(end).toBe(0);
});

it("counts the filtered queue by SLA state, and by claim for the navigation", async () => {
  const modelId = await makeModel("queue-counts");
  const [analyst, other] = await db.$client`
    insert into users (email, name, roles) values ('counter1@oversight.test', 'Counter 1', '{analyst}'), ('counter2@oversight.test', 'Counter 2', '{analyst}')
    on conflict (email) do update set name = excluded.name returning id`;
  const now = Date.now();
  const iso = (offsetHours: number) => new Date(now + offsetHours * 3_600_000).toISOString();
  // By lib/review/sla.ts: overdue once due; due soon within the last quarter of the window (24 h → last 6 h).
  const overdue = await addItems(modelId, 3, { base: iso(-1), createdAt: iso(-25) });
  const dueSoon = await addItems(modelId, 2, { base: iso(5), createdAt: iso(-19) });
  const onTrack = await addItems(modelId, 4, { base: iso(23), createdAt: iso(-1) });
  const decided = await addItems(modelId, 5, { base: iso(-1), createdAt: iso(-25) });
  await db.$client`update review_items set status = 'decided', decision = 'accept', final_label = 'repay', decided_at = now() where id in ${db.$client(decided)}`;
  // One held by the analyst, one by another, one whose claim ran out (available again).
  await db.$client`update review_items set status = 'claimed', claimed_by = ${analyst.id}, claim_expires_at = now() + interval '10 minutes' where id = ${overdue[0]}`;
  await db.$client`update review_items set status = 'claimed', claimed_by = ${other.id}, claim_expires_at = now() + interval '10 minutes' where id = ${onTrack[0]}`;
  await db.$client`update review_items set status = 'claimed', claimed_by = ${other.id}, claim_expires_at = now() - interval '1 minute' where id = ${dueSoon[0]}`;

  expect(await countReviewQueue(db, { modelSlug: "queue-counts" })).toEqual({ total: 9, overdue: 3, due_soon: 2, on_track: 4 });
  // The SLA filter narrows the total, not the per-state counts shown beside it.
  expect(await countReviewQueue(db, { modelSlug: "queue-counts", sla: "due_soon" })).toEqual({
    total: 2,
    overdue: 3,
    due_soon: 2,
    on_track: 4,
  });
  expect((await countReviewQueue(db, { modelSlug: "queue-counts", status: "available" })).total).toBe(7);
  expect((await countReviewQueue(db, { modelSlug: "queue-counts", status: "mine", userId: analyst.id })).total).toBe(1);
  expect(await countOpenReviewItems(db, { modelSlug: "queue-counts", userId: analyst.id })).toEqual({
    total: 9,
    overdue: 3,
    dueSoon: 2,
    onTrack: 4,
    available: 7,
    claimed: 2,
    mine: 1,
  });
  // Without a model it counts the whole queue: at least this model's items, whatever other files left behind.
  const all = await countOpenReviewItems(db);
  expect(all.total).toBeGreaterThanOrEqual(9);
  expect(all.mine).toBe(0);
  // The list agrees with the counts, and shows the expired claim as open.
  const page = await listReviewQueuePage(db, { modelSlug: "queue-counts", sla: "due_soon" }, { limit: 50 });
  expect(page.items.map((item) => item.id).sort()).toEqual([...dueSoon].sort());
  expect(page.items.find((item) => item.id === dueSoon[0])).toMatchObject({ status: "open", claimedByName: null });
});

it("a released item is claimable again by anyone, audited; only its holder may release it", async () => {
  await makeModel("queue-release");
  const modelId = (await db.$client`select id from models where slug = 'queue-release'`)[0].id;
  const [item] = await addItems(modelId, 1, { base: "2031-01-01T00:00:00Z" });
  // Analysts of its own: one who holds an item elsewhere would be handed that one back.
  const [first, second] = await db.$client`
    insert into users (email, name, roles) values ('releaser1@oversight.test', 'Releaser 1', '{analyst}'), ('releaser2@oversight.test', 'Releaser 2', '{analyst}')
    on conflict (email) do update set name = excluded.name returning id, email`;
  expect(await claimNextReviewItem(db, { userId: first.id, claimMinutes: 15, modelSlug: "queue-release" })).toBe(item);
  // Held: nobody else gets it.
  expect(await claimNextReviewItem(db, { userId: second.id, claimMinutes: 15, modelSlug: "queue-release" })).toBeNull();

  const audits = async () => (await db.$client`select count(*)::int as n from audit_records where subject_id = ${item}`)[0].n;
  await expect(releaseReviewItem(db, { id: item, analyst: { id: second.id, email: second.email } })).rejects.toMatchObject({
    code: "review_item_not_claimed",
  });
  expect(await audits()).toBe(0);

  await releaseReviewItem(db, { id: item, analyst: { id: first.id, email: first.email } });
  const [row] = await db.$client`select status, claimed_by, claim_expires_at from review_items where id = ${item}`;
  expect(row).toEqual({ status: "open", claimed_by: null, claim_expires_at: null });
  const [audit] = await db.$client`select action, actor_id, actor_label, model_id from audit_records where subject_id = ${item}`;
  expect(audit).toEqual({ action: "review.released", actor_id: first.id, actor_label: first.email, model_id: modelId });
  expect(await claimNextReviewItem(db, { userId: second.id, claimMinutes: 15, modelSlug: "queue-release" })).toBe(item);
  // Released already: the first analyst holds nothing to release.
  await expect(releaseReviewItem(db, { id: item, analyst: { id: first.id, email: first.email } })).rejects.toMatchObject({
    code: "review_item_not_claimed",
  });
});

it("skip releases the item and hands over the next one, never one skipped earlier in the session", async () => {
  const modelId = await makeModel("queue-skip");
  const [a, b, c] = await addItems(modelId, 3, { base: "2031-01-01T00:00:00Z", step: 1000 }).then(async () =>
    (await db.$client`select id from review_items where model_id = ${modelId} order by due_at`).map((row) => row.id as string),
  );
  const [analyst] = await db.$client`
    insert into users (email, name, roles) values ('skipper@oversight.test', 'Skipper', '{analyst}') on conflict (email) do update set name = excluded.name returning id, email`;
  const who = { id: analyst.id as string, email: analyst.email as string };
  expect(await claimNextReviewItem(db, { userId: who.id, claimMinutes: 15, modelSlug: "queue-skip" })).toBe(a);
  const skip = (id: string, skippedIds: string[]) =>
    skipReviewItem(db, { id, analyst: who, claimMinutes: 15, skippedIds, modelSlug: "queue-skip" });

  expect(await skip(a, [])).toBe(b);
  expect(await skip(b, [a])).toBe(c);
  // Only skipped items left: nothing to hand over, and nothing held.
  expect(await skip(c, [a, b])).toBeNull();
  const rows = await db.$client`select status, claimed_by from review_items where model_id = ${modelId}`;
  expect(rows.every((row) => row.status === "open" && row.claimed_by === null)).toBe(true);
  const actions = await db.$client`select action from audit_records where subject_id in ${db.$client([a, b, c])} order by sequence`;
  expect(actions.map((row) => row.action)).toEqual(["review.skipped", "review.skipped", "review.skipped"]);
  // Another analyst, who skipped nothing, gets the first again; so does this one with a fresh session.
  expect(await claimNextReviewItem(db, { userId: who.id, claimMinutes: 15, modelSlug: "queue-skip", excludeIds: [a] })).toBe(b);
  expect(await claimNextReviewItem(db, { userId: who.id, claimMinutes: 15, modelSlug: "queue-skip" })).toBe(b);
});

import { afterAll, beforeAll, expect, it } from "vitest";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase } from "@/scripts/testing/database";
import { claimNextReviewItem, decideReviewItem } from "./review";

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

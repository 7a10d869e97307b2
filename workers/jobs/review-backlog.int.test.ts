import { afterAll, beforeAll, expect, it } from "vitest";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase } from "@/scripts/testing/database";
import { checkReviewBacklog } from "./review-backlog";

const { db, close } = openTestDatabase();
beforeAll(() => seedDemo(db));
afterAll(close);

it("fires when overdue items pass the threshold, holds between the lines, resolves at half", async () => {
  const [model] = await db.$client`select id from models where slug = 'credit-default'`;
  await db.$client`update models set review_settings = review_settings || '{"overdueAlertThreshold": 4}'::jsonb where id = ${model.id}`;
  await db.$client`update review_items set status = 'decided' where model_id = ${model.id}`;
  const overdue = async (count: number) => {
    await db.$client`update review_items set status = 'decided' where model_id = ${model.id} and reason = 'random_sample'`;
    await db.$client`
      with made as (
        insert into predictions (model_id, role, request_id, features, probability, label, confidence, latency_ms)
        select ${model.id}, 'fallback', 'backlog-' || g, '{1}', 0.5, 'repay', 0.5, 1 from generate_series(1, ${count}) g returning id, created_at)
      insert into review_items (prediction_id, prediction_created_at, model_id, reason, due_at) select id, created_at, ${model.id}, 'random_sample', now() - interval '1 hour' from made`;
  };
  await overdue(5);
  expect(await checkReviewBacklog(db)).toEqual({ fired: 1, resolved: 0 });
  expect(await checkReviewBacklog(db)).toEqual({ fired: 0, resolved: 0 });
  await overdue(3); // between resolve (2) and threshold (4): still firing
  expect(await checkReviewBacklog(db)).toEqual({ fired: 0, resolved: 0 });
  await overdue(2);
  expect(await checkReviewBacklog(db)).toEqual({ fired: 0, resolved: 1 });
  const alerts = await db.$client`select status, value from alerts a join alert_rules r on r.id = a.rule_id where r.metric = 'review_overdue' and a.model_id = ${model.id}`;
  expect(alerts).toEqual([{ status: "resolved", value: 2 }]);
  await db.$client`update models set review_settings = review_settings - 'overdueAlertThreshold' where id = ${model.id}`;
  await db.$client`update review_items set status = 'decided' where model_id = ${model.id} and reason = 'random_sample'`;
});

import { afterAll, beforeAll, expect, it } from "vitest";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase } from "@/scripts/testing/database";
import { deliverAlerts } from "./alert-rules";
import { checkReviewBacklog } from "./review-backlog";
import { startWebhookReceiver } from "./test-webhook-receiver";

const { db, close } = openTestDatabase();
beforeAll(() => seedDemo(db));
afterAll(close);

it("fires when overdue items pass the threshold, holds between the lines, resolves at half, and tells the webhook both", async () => {
  const receiver = await startWebhookReceiver();
  const [model] = await db.$client`select id from models where slug = 'credit-default'`;
  const [channel] =
    await db.$client`insert into alert_channels (model_id, kind, url) values (${model.id}, 'webhook', ${receiver.url}) returning id`;
  try {
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
    // This model's backlog alerts only: other files leave overdue items of their own models in the shared database.
    const ownAlerts = async () =>
      (
        await db.$client<{ open: boolean; value: number }[]>`
          select a.status <> 'resolved' as open, a.value from alerts a join alert_rules r on r.id = a.rule_id
          where r.source = 'review_backlog' and a.model_id = ${model.id} order by a.fired_at`
      ).map((alert) => ({ open: alert.open, value: Number(alert.value) }));
    await overdue(5);
    await checkReviewBacklog(db);
    expect(await ownAlerts()).toEqual([{ open: true, value: 5 }]);
    await checkReviewBacklog(db); // still past the threshold: the same alert, not a second one
    expect(await ownAlerts()).toEqual([{ open: true, value: 5 }]);
    await overdue(3); // between resolve (2) and threshold (4): still firing
    await checkReviewBacklog(db);
    expect(await ownAlerts()).toEqual([{ open: true, value: 3 }]);
    await overdue(2);
    await checkReviewBacklog(db);
    expect(await ownAlerts()).toEqual([{ open: false, value: 2 }]);
    const alerts =
      await db.$client`select a.id, a.status, a.value from alerts a join alert_rules r on r.id = a.rule_id where r.source = 'review_backlog' and a.model_id = ${model.id}`;
    expect(alerts).toEqual([{ id: expect.any(String), status: "resolved", value: 2 }]);

    // Its incident (cause review_backlog) opened and resolved with it; each queued a delivery, which the sender hands to the receiver.
    const queued =
      await db.$client`select event, status from alert_deliveries where alert_id = ${alerts[0].id} and channel_id = ${channel.id} order by created_at`;
    expect(queued).toEqual([
      { event: "opened", status: "pending" },
      { event: "resolved", status: "pending" },
    ]);
    await deliverAlerts(db, { consoleUrl: "http://console.test" });
    expect(
      receiver.received
        .filter((body) => body.alert.id === alerts[0].id)
        .map((body) => body.event)
        .sort(),
    ).toEqual(["opened", "resolved"]);
    const [fired] = receiver.received.filter((body) => body.alert.id === alerts[0].id && body.event === "opened");
    expect(fired.alert).toMatchObject({ severity: "warning", title: "5 review items of credit-default are past their SLA" });
  } finally {
    await receiver.close();
    await db.$client`delete from alert_deliveries where channel_id = ${channel.id}`;
    await db.$client`delete from alert_channels where id = ${channel.id}`;
    await db.$client`update models set review_settings = review_settings - 'overdueAlertThreshold' where id = ${model.id}`;
    await db.$client`update review_items set status = 'decided' where model_id = ${model.id} and reason = 'random_sample'`;
  }
});

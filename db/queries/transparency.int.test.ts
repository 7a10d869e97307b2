import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase } from "@/scripts/testing/database";
import { getTransparencyReport } from "./transparency";

const { db, close } = openTestDatabase();
let modelId = "";

beforeAll(async () => {
  await seedDemo(db);
  [{ id: modelId }] = await db.$client`
    insert into models (slug, display_name, risk_tier, business_kpi) values ('transparency-backlog', 'Transparency backlog', 'low', 'Approvals') returning id`;
  // 3,000 review items over 45 days: a third still open, the rest decided within minutes to a week (some before the
  // report's first day, some after its last), with creation times on exact midnights among them.
  await db.$client`
    with made as (
      insert into predictions (id, created_at, model_id, role, request_id, features, attributes, probability, label, confidence, latency_ms, sent_to_review)
      select gen_random_uuid(), case when g % 50 = 0 then date_trunc('day', now() - make_interval(days => g % 45)) else now() - make_interval(secs => random() * 45 * 86400) end,
        ${modelId}, 'fallback', 'transparency-' || g, array[1]::real[],
        jsonb_build_object('sex', (array['female', 'male'])[1 + g % 2], 'age_band', (array['under_25', '25_39', '40_59'])[1 + g % 3]),
        0.5, 'default', 0.5, 1, true
      from generate_series(1, 3000) g
      returning id, created_at, model_id
    )
    insert into review_items (prediction_id, prediction_created_at, model_id, reason, due_at, created_at, status, decided_at, decision)
    select id, created_at, model_id, 'low_confidence', created_at + interval '4 hours', created_at, case when open then 'open' else 'decided' end,
           case when open then null else least(now(), created_at + make_interval(secs => power(random(), 3) * 7 * 86400)) end,
           case when open then null when random() < 0.2 then 'override' else 'accept' end
    from (select *, random() < 0.33 as open from made) drawn`;
}, 300_000);
afterAll(close);

describe("getTransparencyReport", () => {
  it("counts the same daily backlog as a count over every item for every day (the query it replaced)", async () => {
    const today = new Date(new Date().toISOString().slice(0, 10) + "T00:00:00Z");
    for (const [fromDaysAgo, toDaysAgo] of [
      [30, -1],
      [40, 10],
      [2, 1],
    ]) {
      const from = new Date(today.getTime() - fromDaysAgo * 86_400_000);
      const to = new Date(today.getTime() - toDaysAgo * 86_400_000);
      const report = await getTransparencyReport(db, { modelId, modelSlug: "transparency-backlog", from, to });
      const expected = await db.$client<Array<{ day: string; open: number }>>`
        select to_char(d, 'YYYY-MM-DD') as day,
               (select count(*)::int from review_items r where r.model_id = ${modelId} and r.created_at < d + interval '1 day'
                  and (r.decided_at is null or r.decided_at >= d + interval '1 day')) as open
        from generate_series(${from.toISOString()}::timestamptz, ${to.toISOString()}::timestamptz - interval '1 day', interval '1 day') d`;
      expect(report.backlog).toEqual(expected.map((row) => ({ day: row.day, open: row.open })));
      expect(report.backlog.length).toBe(fromDaysAgo - toDaysAgo);
      expect(report.backlog.some((row) => row.open > 0)).toBe(true);
    }
  });

  it("counts decisions per sensitive group from the attributes copied onto the items, as from their predictions", async () => {
    const from = new Date(Date.now() - 50 * 86_400_000);
    const to = new Date(Date.now() + 86_400_000);
    // The report before migration 0020: every item joined to its prediction.
    const joined = await db.$client<Array<{ attribute: string; group: string; decided: number; overridden: number }>>`
      select a.key as attribute, a.value as "group", count(*) filter (where r.status = 'decided')::int as decided,
             count(*) filter (where r.decision = 'override')::int as overridden
      from review_items r join predictions p on p.id = r.prediction_id and p.created_at = r.prediction_created_at
      cross join lateral jsonb_each_text(p.attributes) a
      where r.model_id = ${modelId} and r.created_at >= ${from.toISOString()} and r.created_at < ${to.toISOString()}
      group by 1, 2 order by 1, 2`;
    expect(joined).toHaveLength(5);
    // Written by SQL above, the items carry no attributes: the report reads their predictions.
    const [{ missing }] =
      await db.$client`select count(*)::int as missing from review_items where model_id = ${modelId} and attributes is null`;
    expect(missing).toBe(3000);
    const fromPredictions = await getTransparencyReport(db, { modelId, modelSlug: "transparency-backlog", from, to });
    expect(fromPredictions.byGroup).toEqual([...joined]);
    // Copied onto the items, and the predictions' changed to tell them apart: the report reads the items' own.
    await db.$client`update review_items r set attributes = p.attributes from predictions p
      where p.id = r.prediction_id and p.created_at = r.prediction_created_at and r.model_id = ${modelId}`;
    await db.$client`update predictions set attributes = '{"sex": "unknown"}' where model_id = ${modelId}`;
    const fromItems = await getTransparencyReport(db, { modelId, modelSlug: "transparency-backlog", from, to });
    expect(fromItems.byGroup).toEqual([...joined]);
  });
});

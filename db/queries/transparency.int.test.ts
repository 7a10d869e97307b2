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
      insert into predictions (id, created_at, model_id, role, request_id, features, probability, label, confidence, latency_ms, sent_to_review)
      select gen_random_uuid(), case when g % 50 = 0 then date_trunc('day', now() - make_interval(days => g % 45)) else now() - make_interval(secs => random() * 45 * 86400) end,
        ${modelId}, 'fallback', 'transparency-' || g, array[1]::real[], 0.5, 'default', 0.5, 1, true
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
});

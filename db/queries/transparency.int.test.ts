import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase } from "@/scripts/testing/database";
import { compactReviewReportDays, getTransparencyReport } from "./transparency";

const { db, close } = openTestDatabase();
let modelId = "";
/** Midnight (UTC) starting today: the report's periods are whole UTC days. */
const startOfTodayUtc = () => Date.parse(new Date().toISOString().slice(0, 10) + "T00:00:00Z");

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
    const today = new Date(startOfTodayUtc());
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
    const today = startOfTodayUtc();
    const from = new Date(today - 50 * 86_400_000);
    const to = new Date(today + 86_400_000);
    // The report before migration 0020: every item joined to its prediction.
    const joined = await db.$client<Array<{ attribute: string; group: string; decided: number; overridden: number }>>`
      select a.key as attribute, a.value as "group", count(*) filter (where r.status = 'decided')::int as decided,
             count(*) filter (where r.decision = 'override')::int as overridden
      from review_items r join predictions p on p.id = r.prediction_id and p.created_at = r.prediction_created_at
      cross join lateral jsonb_each_text(p.attributes) a
      where r.model_id = ${modelId} and r.created_at >= ${from.toISOString()} and r.created_at < ${to.toISOString()}
      group by 1, 2 order by 1, 2`;
    expect(joined).toHaveLength(5);
    // Written by SQL above without attributes, the items were given their predictions' by the database (migration 0022).
    const [{ missing }] =
      await db.$client`select count(*)::int as missing from review_items where model_id = ${modelId} and attributes is null`;
    expect(missing).toBe(0);
    expect((await getTransparencyReport(db, { modelId, modelSlug: "transparency-backlog", from, to })).byGroup).toEqual([...joined]);
    // The predictions' changed afterwards: the report keeps the items' own.
    await db.$client`update predictions set attributes = '{"sex": "unknown"}' where model_id = ${modelId}`;
    expect((await getTransparencyReport(db, { modelId, modelSlug: "transparency-backlog", from, to })).byGroup).toEqual([...joined]);
    await expect(
      getTransparencyReport(db, { modelId, modelSlug: "transparency-backlog", from: new Date(Date.now() - 86_400_000), to }),
    ).rejects.toThrow(/UTC midnights/);
  });

  it("counts as a scan of the items after decisions, reopenings, removals and compaction", async () => {
    const today = startOfTodayUtc();
    const from = new Date(today - 20 * 86_400_000);
    const to = new Date(today + 86_400_000);
    // The queries the daily counts replaced: straight over the items.
    const scan = async () => {
      const range = db.$client`r.model_id = ${modelId} and r.created_at >= ${from.toISOString()} and r.created_at < ${to.toISOString()}`;
      const byReason = await db.$client`
        select r.reason, count(*)::int as routed, count(*) filter (where r.status = 'decided')::int as decided,
               count(*) filter (where r.decision = 'override')::int as overridden
        from review_items r where ${range} group by r.reason order by r.reason`;
      const byGroup = await db.$client`
        select a.key as attribute, a.value as "group", count(*) filter (where r.status = 'decided')::int as decided,
               count(*) filter (where r.decision = 'override')::int as overridden
        from review_items r cross join lateral jsonb_each_text(r.attributes) a where ${range} group by 1, 2 order by 1, 2`;
      const backlog = await db.$client`
        select to_char(d, 'YYYY-MM-DD') as day,
               (select count(*)::int from review_items r where r.model_id = ${modelId} and r.created_at < d + interval '1 day'
                  and (r.decided_at is null or r.decided_at >= d + interval '1 day')) as open
        from generate_series(${from.toISOString()}::timestamptz, ${to.toISOString()}::timestamptz - interval '1 day', interval '1 day') d`;
      return { byReason: [...byReason], byGroup: [...byGroup], backlog: [...backlog] };
    };
    const expectSameAsScan = async () => {
      const report = await getTransparencyReport(db, { modelId, modelSlug: "transparency-backlog", from, to });
      const reference = await scan();
      expect(report.byReason).toEqual(reference.byReason);
      expect(report.byGroup).toEqual(reference.byGroup);
      expect(report.backlog).toEqual(reference.backlog);
      return reference;
    };
    const before = await expectSameAsScan();
    // Decide some open items (one as an override, some a day later than created), reopen some decided ones,
    // move some to another reason, remove some.
    await db.$client`update review_items set status = 'decided', decision = case when random() < 0.3 then 'override' else 'accept' end,
      decided_at = least(now(), created_at + interval '1 day')
      where id in (select id from review_items where model_id = ${modelId} and status = 'open' order by id limit 300)`;
    await db.$client`update review_items set status = 'open', decision = null, decided_at = null
      where id in (select id from review_items where model_id = ${modelId} and status = 'decided' order by id limit 100)`;
    await db.$client`update review_items set reason = 'fallback_used'
      where id in (select id from review_items where model_id = ${modelId} order by id desc limit 150)`;
    await db.$client`delete from review_items where id in (select id from review_items where model_id = ${modelId} order by created_at limit 200)`;
    const after = await expectSameAsScan();
    expect(after.byReason).toHaveLength(2);
    expect(after.byReason).not.toEqual(before.byReason);

    const compacted = await compactReviewReportDays(db);
    expect(compacted.after).toBeLessThan(compacted.before);
    await expectSameAsScan();
    // Folded rows stay as they are in the next pass: one row per key is not rewritten.
    const ownRows = async () =>
      (await db.$client<Array<{ id: string }>>`select id from review_report_days where model_id = ${modelId} order by id`).map(
        (row) => row.id,
      );
    const folded = await ownRows();
    await compactReviewReportDays(db);
    expect(await ownRows()).toEqual(folded);
  });
});

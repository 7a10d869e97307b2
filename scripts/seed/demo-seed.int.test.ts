import { afterAll, expect, it } from "vitest";
import { openTestDatabase } from "@/scripts/testing/database";
import { seedDemo } from "./demo-seed";
import { seedDemoTraffic } from "./demo-traffic";

const { db, close } = openTestDatabase();
afterAll(close);

it("validates the demo challenger 1.1.0 with the validation job, so its status has gate results behind it", async () => {
  await seedDemo(db);
  // Integration files share one database: the first run of 1.1.0 is the seed's, whatever ran since.
  const [run] = await db.$client`
    select r.status, (select count(*)::int from gate_results g where g.validation_run_id = r.id) as gates
    from validation_runs r join model_versions v on v.id = r.model_version_id join models m on m.id = v.model_id
    where m.slug = 'credit-default' and v.version = '1.1.0' order by r.started_at asc limit 1`;
  expect(run).toEqual({ status: "passed", gates: 7 });
});

it("seeds a portfolio of three models in three tiers, with versions retired, awaiting one vote and in canary", async () => {
  await seedDemo(db);
  const models = await db.$client<{ slug: string; risk_tier: string }[]>`
    select slug, risk_tier from models where slug in ('credit-default', 'card-fraud', 'subscription-churn') order by slug`;
  expect(models).toEqual([
    { slug: "card-fraud", risk_tier: "high" },
    { slug: "credit-default", risk_tier: "medium" },
    { slug: "subscription-churn", risk_tier: "low" },
  ]);
  // The seed's first runs and requests, whatever later files did to these models.
  const fraud = await db.$client<{ version: string; passed: boolean | null }[]>`
    select v.version, (select r.status = 'passed' from validation_runs r where r.model_version_id = v.id order by r.started_at limit 1) as passed
    from model_versions v join models m on m.id = v.model_id where m.slug = 'card-fraud' order by v.version`;
  expect(fraud).toEqual([
    { version: "1.0.0", passed: null },
    { version: "1.1.0", passed: null },
    { version: "1.2.0", passed: true },
  ]);
  const [request] = await db.$client<{ quorum: number; status: string; votes: number; voters: string[] }[]>`
    select r.quorum, r.status, count(av.id)::int as votes, array_agg(u.email order by u.email) as voters
    from approval_requests r join model_versions v on v.id = r.model_version_id join models m on m.id = v.model_id
    left join approval_votes av on av.approval_request_id = r.id left join users u on u.id = av.voter_id
    where m.slug = 'card-fraud' and v.version = '1.2.0' group by r.id order by r.created_at limit 1`;
  // High tier, quorum 3: two approvals in, Chris's vote missing.
  expect(request).toEqual({ quorum: 3, status: "pending", votes: 2, voters: ["committee2@oversight.test", "committee3@oversight.test"] });
  const audit = await db.$client<{ action: string }[]>`
    select a.action from audit_records a join models m on m.id = a.model_id where m.slug = 'subscription-churn' order by a.sequence`;
  expect(audit.map((row) => row.action)).toEqual(
    expect.arrayContaining([
      "governance.approval_requested",
      "governance.vote_approve",
      "governance.version_approved",
      "deployment.start_canary",
    ]),
  );
});

it("seeds history with daily and weekly seasonality, load-dependent latency, delayed outcomes and decided reviews", async () => {
  await seedDemo(db);
  // A week of history always holds one weekend (48 hours, maybe split across its ends).
  const now = new Date();
  const slugs = ["card-fraud", "subscription-churn"];
  try {
    await seedDemoTraffic(db, { now, only: ["card-fraud", "subscription-churn"] });
    // Per model: mean predictions per hour at night (00–05 UTC) and by day (10–17), on weekdays and weekends.
    const volumes = await db.$client<
      { slug: string; night: number; day: number; weekday: number; weekend: number; distinct_counts: number }[]
    >`
      with hours as (
        select m.slug, date_trunc('hour', p.created_at) as hour, count(*) as n
        from predictions p join models m on m.id = p.model_id
        where m.slug in ${db.$client(slugs)} and p.request_id like 'demo-history-%' group by 1, 2)
      select slug,
        avg(n) filter (where extract(hour from hour at time zone 'UTC') < 5)::float8 as night,
        avg(n) filter (where extract(hour from hour at time zone 'UTC') between 10 and 17)::float8 as day,
        avg(n) filter (where extract(isodow from hour at time zone 'UTC') < 6)::float8 as weekday,
        avg(n) filter (where extract(isodow from hour at time zone 'UTC') >= 6)::float8 as weekend,
        count(distinct n)::int as distinct_counts
      from hours group by slug order by slug`;
    expect(volumes).toHaveLength(2);
    for (const volume of volumes) {
      expect(volume.night).toBeLessThan(volume.day / 3);
      expect(volume.weekend).toBeLessThan(volume.weekday);
      // Not the same count every hour.
      expect(volume.distinct_counts).toBeGreaterThan(20);
    }
    // Latency rises with load: the busiest hours are slower on average than the quietest.
    const [latency] = await db.$client<{ busy: number; quiet: number }[]>`
      with hours as (
        select date_trunc('hour', p.created_at) as hour, count(*) as n, avg(p.latency_ms) as latency
        from predictions p join models m on m.id = p.model_id where m.slug = 'card-fraud' and p.request_id like 'demo-history-%' group by 1),
      ranked as (select *, ntile(4) over (order by n) as quartile from hours)
      select avg(latency) filter (where quartile = 4)::float8 as busy, avg(latency) filter (where quartile = 1)::float8 as quiet from ranked`;
    expect(latency.busy).toBeGreaterThan(latency.quiet * 1.2);
    // Outcomes only after each domain's delay (fraud 36 h, churn 72 h), with the decision's business value.
    const outcomes = await db.$client<{ slug: string; newest: string | Date; valued: number; labelled: number }[]>`
      select m.slug, max(o.prediction_created_at) as newest, count(o.value)::int as valued, count(*)::int as labelled
      from outcomes o join predictions p on p.id = o.prediction_id and p.created_at = o.prediction_created_at join models m on m.id = o.model_id
      where m.slug in ${db.$client(slugs)} and p.request_id like 'demo-history-%' and o.source = 'api' group by 1 order by 1`;
    expect(now.getTime() - new Date(outcomes[0].newest).getTime()).toBeGreaterThanOrEqual(36 * 3_600_000);
    expect(now.getTime() - new Date(outcomes[1].newest).getTime()).toBeGreaterThanOrEqual(72 * 3_600_000);
    for (const row of outcomes) expect(row.valued).toBe(row.labelled);
    // A share of reviews decided by the seeded analyst, each with its review outcome and audit record.
    const reviews = await db.$client<{ slug: string; decided: number; open: number; with_outcome: number; audited: number }[]>`
      select m.slug, count(*) filter (where r.status = 'decided')::int as decided, count(*) filter (where r.status = 'open')::int as open,
        count(o.prediction_id) filter (where r.status = 'decided' and o.source = 'review' and o.label = r.final_label)::int as with_outcome,
        count(*) filter (where exists (select 1 from audit_records a where a.subject_id = r.id::text and a.action = 'review.decided'))::int as audited
      from review_items r join models m on m.id = r.model_id join predictions p on p.id = r.prediction_id and p.created_at = r.prediction_created_at
      left join outcomes o on o.prediction_id = r.prediction_id
      where m.slug in ${db.$client(slugs)} and p.request_id like 'demo-history-%' group by 1 order by 1`;
    expect(reviews).toHaveLength(2);
    // Some wait in the queue (churn's due in 48 hours; fraud's in 4, so few or none).
    expect(reviews.reduce((sum, row) => sum + row.open, 0)).toBeGreaterThan(0);
    for (const row of reviews) {
      expect(row.decided).toBeGreaterThan(row.open);
      expect(row.with_outcome).toBe(row.decided);
      expect(row.audited).toBe(row.decided);
    }
  } finally {
    // Integration files share one database: this file's history goes again.
    await db.$client`delete from review_items r using models m where m.id = r.model_id and m.slug in ${db.$client(slugs)}`;
    await db.$client`delete from outcomes o using predictions p, models m
      where o.prediction_id = p.id and p.model_id = m.id and m.slug in ${db.$client(slugs)} and p.request_id like 'demo-history-%'`;
    await db.$client`delete from predictions p using models m where m.id = p.model_id and m.slug in ${db.$client(slugs)} and p.request_id like 'demo-history-%'`;
  }
}, 240_000);

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase } from "@/scripts/testing/database";
import { getCardSource } from "./cards";
import { getMeasuredCostInputs, getServingFigures } from "./cost-inputs";
import { getModelDetail, listModelPortfolio } from "./models";
import { hasVersionPredictions } from "./summaries";
import { refreshPredictionSummaries } from "./summaries-refresh";

/*
 * The summarised reads (db/queries/summaries.ts) must show exactly what a scan of the raw rows
 * shows, whatever state the summaries are in. The expected figures are plain SQL over
 * predictions and outcomes, written here without the summaries (the queries the pages ran before).
 */
const { db, close } = openTestDatabase();
const ids = { model: "", version: "" };
const SLUG = "summaries-exact";

async function insertPredictions(input: { count: number; fromDaysAgo: number; toDaysAgo: number; labelledShare: number }) {
  await db.$client`
    with made as (
      insert into predictions (id, created_at, model_id, model_version_id, role, request_id, features, attributes, probability, label, confidence, latency_ms, sent_to_review)
      select gen_random_uuid(), now() - make_interval(secs => (${input.toDaysAgo} + random() * ${input.fromDaysAgo - input.toDaysAgo}) * 86400),
        ${ids.model}, ${ids.version}, (array['champion', 'champion', 'challenger', 'shadow', 'fallback'])[1 + g % 5], 'summaries-' || g,
        array[55000, random() * 20, round(1000 + random() * 20000), 36, random() * 0.6, random() * 30, 0, 1 + floor(random() * 8), 0]::real[],
        '{}'::jsonb, p, case when p >= 0.3 then 'default' else 'repay' end, greatest(p, 1 - p), 2, g % 7 = 0
      from (select g, random() * 0.6 as p from generate_series(1, ${input.count}) g) s
      returning id, created_at, model_id, probability
    )
    insert into outcomes (prediction_id, prediction_created_at, model_id, label, label_value, source)
    select id, created_at, model_id, case when positive then 'default' else 'repay' end, positive::int, 'api'
    from (select *, random() < probability as positive from made where random() < ${input.labelledShare}) drawn`;
}

/**
 * The figures as the pages computed them before the summaries: straight over the raw rows. The cost
 * figures cover the whole hours of the last 30 days (from the first hour boundary after now − 30 days).
 */
async function expected() {
  const costStart = () => db.$client`date_trunc('hour', now() - interval '30 days', 'UTC') + interval '1 hour'`;
  const [volume] = await db.$client<Array<{ predictions: number; reviewed: number; observed_days: number }>>`
    select count(*)::int as predictions, count(*) filter (where sent_to_review)::int as reviewed,
           extract(epoch from now() - min(created_at)) / 86400 as observed_days
    from predictions where model_id = ${ids.model} and role in ('champion', 'challenger', 'fallback') and created_at >= ${costStart()}`;
  const cells = await db.$client<Array<{ predicted: number; actual: number; n: number; scale: number }>>`
    select (case when p.label = o.label then o.label_value else 1 - o.label_value end)::int as predicted, o.label_value::int as actual,
           count(*)::int as n, sum(p.features[3])::float8 as scale
    from predictions p join outcomes o on o.prediction_id = p.id and o.prediction_created_at = p.created_at
    where p.model_id = ${ids.model} and p.role in ('champion', 'challenger', 'fallback') and p.created_at >= ${costStart()}
    group by 1, 2`;
  const [busiest] = await db.$client<Array<{ n: number }>>`
    select max(n)::int as n from (select count(*) as n from predictions where model_id = ${ids.model} and role <> 'shadow'
      and created_at >= ${costStart()} group by date_trunc('hour', created_at, 'UTC')) hours`;
  const [card] = await db.$client<Array<{ recent: number; outcomes: number; answered: number; open_reviews: number }>>`
    select (select count(*)::int from predictions where model_version_id = ${ids.version} and created_at > now() - interval '24 hours') as recent,
           (select count(*)::int from review_items where model_version_id = ${ids.version} and status <> 'decided') as open_reviews,
           (select count(*)::int from predictions where model_id = ${ids.model} and role <> 'shadow' and created_at > now() - interval '24 hours') as answered,
           (select count(*)::int from outcomes o join predictions p on p.id = o.prediction_id and p.created_at = o.prediction_created_at
             where p.model_version_id = ${ids.version}) as outcomes`;
  const cell = (predicted: number, actual: number) => cells.find((row) => row.predicted === predicted && row.actual === actual);
  return {
    volume: { ...volume, observed_days: Number(volume.observed_days) },
    cells: { tp: cell(1, 1), fp: cell(1, 0), tn: cell(0, 0), fn: cell(0, 1) },
    busiest: busiest.n,
    card,
  };
}

async function expectSameAsScan() {
  const [measured, serving, card, detail, portfolio, reference] = await Promise.all([
    getMeasuredCostInputs(db, ids.model),
    getServingFigures(db, ids.model),
    getCardSource(db, SLUG, "1.0.0"),
    getModelDetail(db, SLUG),
    listModelPortfolio(db),
    expected(),
  ]);
  expect(measured.predictions).toBe(reference.volume.predictions);
  expect(measured.reviewRate).toBe(reference.volume.reviewed / reference.volume.predictions);
  // now() moves between the two queries: equal to a few seconds.
  expect(measured.observedDays).toBeCloseTo(Math.min(30, reference.volume.observed_days), 4);
  for (const name of ["tp", "fp", "tn", "fn"] as const) {
    expect(measured.cells[name].count, name).toBe(reference.cells[name]?.n ?? 0);
    // Sums of the same floats in another order: equal to rounding.
    expect(measured.cells[name].scale / Math.max(1, reference.cells[name]?.scale ?? 0)).toBeCloseTo(
      (reference.cells[name]?.scale ?? 0) / Math.max(1, reference.cells[name]?.scale ?? 0),
      9,
    );
  }
  expect(serving.busiestHourPredictions).toBe(reference.busiest);
  expect(card!.live!["Predictions, last 24 h"]).toBe(reference.card.recent);
  expect(card!.live!["Outcomes received"]).toBe(reference.card.outcomes);
  // The model's page and the portfolio: predictions answered in the last 24 h.
  expect(detail!.predictionsLast24h).toBe(reference.card.answered);
  // Undecided review items, from the queue's buckets (per version since migration 0023).
  expect(card!.live!["Open review items"]).toBe(reference.card.open_reviews);
  expect(detail!.openReviewItems).toBe(reference.card.open_reviews);
  expect(portfolio.find((row) => row.slug === SLUG)!.predictionsLast24h).toBe(reference.card.answered);
  return reference;
}

const summarisedHours = async () =>
  (
    await db.$client<
      Array<{ n: number }>
    >`select coalesce(sum(predictions), 0)::int as n from prediction_hours where model_id = ${ids.model}`
  )[0].n;
const dirtyMarks = async () =>
  (await db.$client<Array<{ n: number }>>`select count(*)::int as n from prediction_summary_dirty where model_id = ${ids.model}`)[0].n;

beforeAll(async () => {
  await seedDemo(db);
  [{ id: ids.model }] = await db.$client`
    insert into models (slug, display_name, risk_tier, business_kpi, value_matrix, fallback_rules)
    select ${SLUG}, 'Summaries exact', risk_tier, business_kpi, value_matrix, fallback_rules from models where slug = 'credit-default' returning id`;
  [{ id: ids.version }] = await db.$client`
    insert into model_versions (model_id, version, version_major, version_minor, version_patch, status, artifact_sha256, input_schema, output_schema)
    select ${ids.model}, '1.0.0', 1, 0, 0, 'champion', v.artifact_sha256, v.input_schema, v.output_schema
    from deployments d join model_versions v on v.id = d.champion_version_id join models m on m.id = d.model_id where m.slug = 'credit-default'
    returning id`;
  await db.$client`insert into deployments (model_id, champion_version_id) values (${ids.model}, ${ids.version})`;
  await db.$client`update models set value_matrix = value_matrix || '{"scaleInput": "loan_amount_usd", "baseline": "approve_everyone"}'::jsonb where id = ${ids.model}`;
  await insertPredictions({ count: 6_000, fromDaysAgo: 35, toDaysAgo: 0.01, labelledShare: 0.4 });
  // The predictions sent to review wait in the queue; a third of them decided.
  await db.$client`
    insert into review_items (prediction_id, prediction_created_at, model_id, model_version_id, reason, due_at, created_at, status, decided_at, decision)
    select id, created_at, model_id, model_version_id, 'low_confidence', created_at + interval '4 hours', created_at,
           case when n % 3 = 0 then 'decided' else 'open' end, case when n % 3 = 0 then created_at + interval '1 hour' end,
           case when n % 3 = 0 then 'accept' end
    from (select *, row_number() over (order by id) as n from predictions where model_id = ${ids.model} and sent_to_review) sent`;
}, 300_000);
afterAll(close);

describe("summarised page figures", () => {
  it("equal the scan with no summaries, after a pass, and with rows written since", async () => {
    const before = await expectSameAsScan();
    expect(before.volume.predictions).toBeGreaterThan(3_000);
    expect(before.cells.tp?.n).toBeGreaterThan(0);
    expect(before.card.open_reviews).toBeGreaterThan(100);

    await refreshPredictionSummaries(db, { marginMs: 0 });
    expect(await summarisedHours()).toBeGreaterThan(5_000);
    expect(await dirtyMarks()).toBe(0);
    await expectSameAsScan();

    // Served since the pass, and outcomes arriving now for predictions of hours already summarised.
    await insertPredictions({ count: 300, fromDaysAgo: 0, toDaysAgo: 0, labelledShare: 0.5 });
    await db.$client`
      insert into outcomes (prediction_id, prediction_created_at, model_id, label, label_value, source)
      select id, created_at, model_id, 'default', 1, 'api' from predictions p
      where model_id = ${ids.model} and created_at < now() - interval '2 days'
        and not exists (select 1 from outcomes o where o.prediction_id = p.id) limit 400`;
    await expectSameAsScan();

    // A second pass folds them in and changes nothing on screen; a third, with nothing new, neither.
    await refreshPredictionSummaries(db, { marginMs: 0 });
    await expectSameAsScan();
    const hours = await summarisedHours();
    await refreshPredictionSummaries(db, { marginMs: 0 });
    expect(await summarisedHours()).toBe(hours);
    await expectSameAsScan();
  });

  it("equal the scan after backdated writes, corrections and removals in summarised hours", async () => {
    await refreshPredictionSummaries(db, { marginMs: 0 });
    await insertPredictions({ count: 200, fromDaysAgo: 4, toDaysAgo: 3, labelledShare: 0.5 });
    await db.$client`delete from outcomes where model_id = ${ids.model} and prediction_created_at between now() - interval '11 days' and now() - interval '10 days'`;
    await db.$client`update outcomes set label = 'repay', label_value = 0
      where model_id = ${ids.model} and label_value = 1 and prediction_created_at between now() - interval '20 days' and now() - interval '19 days'`;
    expect(await dirtyMarks()).toBeGreaterThan(0);
    await expectSameAsScan();

    await refreshPredictionSummaries(db, { marginMs: 0 });
    expect(await dirtyMarks()).toBe(0);
    await expectSameAsScan();
  });

  it("do not use cells computed with another scaling input", async () => {
    await refreshPredictionSummaries(db, { marginMs: 0 });
    await db.$client`update models set value_matrix = value_matrix || '{"scaleInput": null}'::jsonb where id = ${ids.model}`;
    try {
      const measured = await getMeasuredCostInputs(db, ids.model);
      const reference = await expected();
      // Unscaled, each cell's scale is its count.
      expect(measured.cells.tp.scale).toBe(reference.cells.tp?.n);
      expect(measured.cells.fn.scale).toBe(reference.cells.fn?.n ?? 0);
      await refreshPredictionSummaries(db, { marginMs: 0 });
      const [{ n }] = await db.$client<Array<{ n: number }>>`
        select coalesce(sum(n), 0)::int as n from outcome_cell_hours where model_id = ${ids.model} and predicted = 1 and actual = 1 and n <> scale`;
      expect(n).toBe(0);
      expect((await getMeasuredCostInputs(db, ids.model)).cells.tp.scale).toBe(reference.cells.tp?.n);
    } finally {
      await db.$client`update models set value_matrix = value_matrix || '{"scaleInput": "loan_amount_usd"}'::jsonb where id = ${ids.model}`;
    }
    await expectSameAsScan();
  });
  it("add up an hour a pass ended inside: its summarised part and the rest, raw", async () => {
    // Enough in the current hour that it is the busiest, and neither part alone is: a max taken per part would show.
    const insertNow = (at: string) => db.$client`
      insert into predictions (id, created_at, model_id, model_version_id, role, request_id, features, attributes, probability, label, confidence, latency_ms, sent_to_review)
      select gen_random_uuid(), ${at}::timestamptz, ${ids.model}, ${ids.version}, 'champion', 'split-hour-' || g,
        array[55000, 1, 5000, 36, 0.2, 3, 0, 2, 0]::real[], '{}'::jsonb, 0.4, 'default', 0.6, 2, false
      from generate_series(1, 400) g`;
    const [{ halfway }] = await db.$client<Array<{ halfway: string }>>`
      select (date_trunc('hour', now(), 'UTC') + (now() - date_trunc('hour', now(), 'UTC')) / 2)::text as halfway`;
    await insertNow(halfway);
    await refreshPredictionSummaries(db, { marginMs: 0 });
    const [{ inside }] = await db.$client<Array<{ inside: boolean }>>`
      select predictions_until <> date_trunc('hour', predictions_until, 'UTC') as inside from prediction_summary_state where model_id = ${ids.model}`;
    expect(inside).toBe(true);
    await insertNow(new Date().toISOString());
    const reference = await expectSameAsScan();
    expect(reference.busiest).toBeGreaterThanOrEqual(800);
    await refreshPredictionSummaries(db, { marginMs: 0 });
    await expectSameAsScan();
  });
  it("say whether a version predicted in a role as a scan does", async () => {
    const check = async () => {
      for (const role of ["champion", "challenger", "shadow"] as const)
        for (const [span, hours] of [
          ["7 days", 168],
          ["30 minutes", 0.5],
        ] as const) {
          const [{ found }] = await db.$client<Array<{ found: boolean }>>`
            select exists (select 1 from predictions where model_version_id = ${ids.version} and role = ${role}
              and created_at > now() - make_interval(secs => ${hours * 3600})) as found`;
          expect(await hasVersionPredictions(db, { modelId: ids.model, versionId: ids.version, role, span }), `${role} ${span}`).toBe(
            found,
          );
        }
    };
    await check();
    await refreshPredictionSummaries(db, { marginMs: 0 });
    await check();
    await db.$client`update predictions set role = 'challenger' where model_id = ${ids.model} and role = 'shadow' and created_at > now() - interval '7 days'`;
    await check();
    expect(await hasVersionPredictions(db, { modelId: ids.model, versionId: ids.version, role: "shadow", span: "7 days" })).toBe(false);
  });
});

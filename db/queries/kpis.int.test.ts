import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase } from "@/scripts/testing/database";
import { listDailyMonitorPoints, listKpiPoints, listPortfolioModels, upsertKpiValues } from "./kpis";

const { db, close } = openTestDatabase();
// A model of its own, so alerts and review items other test files leave on the demo model do not count here.
const ids: { model: string; champion: string; other: string } = { model: "", champion: "", other: "" };

async function monitor(input: {
  version: string;
  day: string;
  kind: string;
  statistic: string;
  status: string;
  value: number | null;
  feature?: string;
  group?: string;
  granularity?: string;
  computedAt?: string;
  threshold?: number;
}) {
  await db.$client`insert into monitor_results (model_id, model_version_id, kind, granularity, window_start, window_end, feature, group_name, statistic, value, threshold, status, computed_at)
    values (${ids.model}, ${input.version}, ${input.kind}, ${input.granularity ?? "day"}, ${`${input.day}T00:00:00Z`}, ${`${input.day}T00:00:00Z`}::timestamptz + interval '1 day',
            ${input.feature ?? ""}, ${input.group ?? ""}, ${input.statistic}, ${input.value}, ${input.threshold ?? null}, ${input.status}, ${input.computedAt ?? "2026-03-10T00:00:00Z"})`;
}

beforeAll(async () => {
  await seedDemo(db);
  const [artifact] = await db.$client`select artifact_sha256 as sha from model_versions limit 1`;
  [{ id: ids.model }] =
    await db.$client`insert into models (slug, display_name, risk_tier, business_kpi) values ('kpi-portfolio', 'KPI portfolio', 'high', 'Approval rate') returning id`;
  const versions =
    await db.$client`insert into model_versions (model_id, version, version_major, version_minor, version_patch, status, artifact_sha256, input_schema, output_schema)
    values (${ids.model}, '1.0.0', 1, 0, 0, 'champion', ${artifact.sha}, '{}', '{}'), (${ids.model}, '2.0.0', 2, 0, 0, 'validated', ${artifact.sha}, '{}', '{}') returning id, version`;
  ids.champion = versions.find((row) => row.version === "1.0.0")!.id;
  ids.other = versions.find((row) => row.version === "2.0.0")!.id;
  await db.$client`insert into deployments (model_id, champion_version_id) values (${ids.model}, ${ids.champion})`;
});
afterAll(close);

describe("listDailyMonitorPoints", () => {
  it("reads daily drift share, disparate impact and ROC AUC / accuracy, preferring the champion's row for a day", async () => {
    // Day 1: both versions have a drift verdict; the champion's (ok) wins over the newer challenger's (breach).
    await monitor({
      version: ids.other,
      day: "2026-03-01",
      kind: "drift",
      statistic: "drifted_share",
      status: "breach",
      value: 0.6,
      computedAt: "2026-03-09T00:00:00Z",
    });
    await monitor({
      version: ids.champion,
      day: "2026-03-01",
      kind: "drift",
      statistic: "drifted_share",
      status: "ok",
      value: 0.1,
      threshold: 0.3,
    });
    // Day 2: only the other version: its row is the one shown.
    await monitor({ version: ids.other, day: "2026-03-02", kind: "drift", statistic: "drifted_share", status: "warning", value: 0.25 });
    await monitor({
      version: ids.champion,
      day: "2026-03-02",
      kind: "fairness",
      statistic: "disparate_impact",
      status: "ok",
      value: 0.92,
      group: "sex",
      threshold: 0.8,
    });
    await monitor({ version: ids.champion, day: "2026-03-02", kind: "performance", statistic: "roc_auc", status: "ok", value: 0.78 });
    await monitor({ version: ids.champion, day: "2026-03-02", kind: "performance", statistic: "accuracy", status: "ok", value: 0.81 });
    // Not shown: a per-feature drift row, another statistic, an hourly window, a day out of range.
    await monitor({
      version: ids.champion,
      day: "2026-03-02",
      kind: "drift",
      statistic: "psi",
      status: "breach",
      value: 0.4,
      feature: "income",
    });
    await monitor({ version: ids.champion, day: "2026-03-02", kind: "performance", statistic: "brier", status: "ok", value: 0.2 });
    await monitor({
      version: ids.champion,
      day: "2026-03-02",
      kind: "performance",
      statistic: "roc_auc",
      status: "ok",
      value: 0.5,
      granularity: "hour",
    });
    await monitor({ version: ids.champion, day: "2026-02-01", kind: "performance", statistic: "roc_auc", status: "ok", value: 0.7 });

    const points = await listDailyMonitorPoints(db, { modelIds: [ids.model], from: "2026-03-01", to: "2026-03-02" });
    expect(
      points.map(({ day, kind, statistic, groupName, value, status }) => [day, kind, statistic, groupName, value, status]).sort(),
    ).toEqual([
      ["2026-03-01", "drift", "drifted_share", "", 0.1, "ok"],
      ["2026-03-02", "drift", "drifted_share", "", 0.25, "warning"],
      ["2026-03-02", "fairness", "disparate_impact", "sex", 0.92, "ok"],
      ["2026-03-02", "performance", "accuracy", "", 0.81, "ok"],
      ["2026-03-02", "performance", "roc_auc", "", 0.78, "ok"],
    ]);
    expect(points.find((point) => point.day === "2026-03-01")?.threshold).toBe(0.3);
  });
});

describe("listPortfolioModels", () => {
  const portfolio = async () => (await listPortfolioModels(db)).find((model) => model.id === ids.model)!;

  it("counts open alerts by severity, open or claimed review items, and reads the latest daily drift verdict", async () => {
    // Today's window, still filling: "unknown" does not hide the last real verdict.
    await monitor({ version: ids.champion, day: "2026-03-03", kind: "drift", statistic: "drifted_share", status: "unknown", value: 1 });
    await db.$client`insert into alerts (model_id, status, severity, title, message) values
      (${ids.model}, 'firing', 'critical', 'a', 'a'), (${ids.model}, 'acknowledged', 'warning', 'b', 'b'),
      (${ids.model}, 'resolved', 'critical', 'c', 'c'), (${ids.model}, 'firing', 'info', 'd', 'd')`;
    await db.$client`
      with made as (
        insert into predictions (model_id, role, request_id, features, probability, label, confidence, latency_ms, sent_to_review)
        select ${ids.model}, 'fallback', 'kpi-portfolio-' || g, '{1}', 0.45, 'repay', 0.55, 1, true from generate_series(1, 3) g
        returning id, created_at, request_id)
      insert into review_items (prediction_id, prediction_created_at, model_id, reason, due_at, status)
      select id, created_at, ${ids.model}, 'low_confidence', now() + interval '1 day',
             case request_id when 'kpi-portfolio-1' then 'open' when 'kpi-portfolio-2' then 'claimed' else 'decided' end from made`;
    expect(await portfolio()).toMatchObject({
      slug: "kpi-portfolio",
      displayName: "KPI portfolio",
      riskTier: "high",
      businessKpi: "Approval rate",
      championVersion: "1.0.0",
      killSwitch: false,
      openCriticalAlerts: 1,
      openWarningAlerts: 1,
      openInfoAlerts: 1,
      openReviewItems: 2,
      latestDrift: { day: "2026-03-02", status: "warning" },
    });
    // Leave the shared review queue as it was found.
    await db.$client`update review_items set status = 'decided' where model_id = ${ids.model}`;
  });

  it("has no champion and no drift verdict for a model that never served", async () => {
    await db.$client`insert into models (slug, display_name, risk_tier) values ('kpi-portfolio-idle', 'KPI portfolio idle', 'low')`;
    const models = await listPortfolioModels(db);
    expect(models.find((model) => model.slug === "kpi-portfolio-idle")).toMatchObject({
      championVersion: null,
      latestDrift: null,
      openReviewItems: 0,
    });
    // Models in production come first.
    const firstIdle = models.findIndex((model) => model.championVersion === null);
    expect(models.slice(firstIdle).every((model) => model.championVersion === null)).toBe(true);
  });
});

describe("KPI values", () => {
  it("upserts and lists points of the chosen models within the period", async () => {
    await db.transaction((tx) =>
      upsertKpiValues(tx, {
        modelId: ids.model,
        values: [
          { date: "2026-03-01", metric: "approval rate", value: 61, unit: "%" },
          { date: "2026-03-03", metric: "approval rate", value: 63, unit: "%" },
        ],
      }),
    );
    expect(
      await upsertKpiValues(db, { modelId: ids.model, values: [{ date: "2026-03-03", metric: "approval rate", value: 64, unit: "%" }] }),
    ).toEqual({ inserted: 0, updated: 1 });
    expect(await listKpiPoints(db, { modelIds: [ids.model], from: "2026-03-02", to: "2026-03-31" })).toEqual([
      { modelId: ids.model, metric: "approval rate", day: "2026-03-03", value: 64, unit: "%" },
    ]);
    expect(await listKpiPoints(db, { modelIds: [], from: "2026-03-01", to: "2026-03-31" })).toEqual([]);
  });
});

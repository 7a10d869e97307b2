import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fireAlert, resolveAlert } from "@/db/writes/alerts";
import { buildPortfolioEntries } from "@/lib/kpis/portfolio";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase } from "@/scripts/testing/database";
import { listModelHealth } from "./health";
import { listPortfolioModels } from "./kpis";

const { db, close } = openTestDatabase();
// A model of its own, so incidents other test files leave on the demo model do not count here.
let modelId = "";

beforeAll(async () => {
  await seedDemo(db);
  [{ id: modelId }] =
    await db.$client`insert into models (slug, display_name, risk_tier, business_kpi) values ('health-incidents', 'Health model', 'low', '') returning id`;
});
afterAll(close);

const alert = (severity: "warning" | "critical", cause: string) =>
  fireAlert(db, { modelId, ruleId: null, severity, cause, title: `${cause} ${severity}`, message: "m", value: 1 });

describe("model health from incidents", () => {
  it("is healthy with nothing open, warning then failing as incidents open and escalate, healthy again once they resolve", async () => {
    const health = async () => (await listModelHealth(db, [modelId]))[0];
    const portfolio = async () =>
      buildPortfolioEntries(
        (await listPortfolioModels(db)).filter((model) => model.id === modelId).map((model) => ({ model, measured: null })),
      )[0];
    expect(await health()).toEqual({ modelId, health: "healthy", reasons: [], incidents: [] });

    const drift = await alert("warning", "drift");
    const second = await alert("warning", "drift");
    // Two warnings of one cause are one incident: one reason, linking to it.
    expect(second.incidentId).toBe(drift.incidentId);
    expect(await health()).toEqual({
      modelId,
      health: "warning",
      reasons: ["warning incident: Health model: input drift"],
      incidents: [{ id: drift.incidentId, title: "Health model: input drift", severity: "warning" }],
    });

    const fairness = await alert("critical", "fairness:age_band");
    const now = await health();
    expect(now.health).toBe("failing");
    expect(now.incidents.map((incident) => incident.id)).toEqual([fairness.incidentId, drift.incidentId]);
    // The portfolio (/kpis, /models, home) classifies with the same function and says the same.
    const entry = await portfolio();
    expect(entry).toMatchObject({ health: "failing", reasons: now.reasons, incidents: now.incidents });

    for (const fired of [drift, second, fairness]) await resolveAlert(db, { alertId: fired.id, modelId, value: 0 });
    expect((await health()).health).toBe("healthy");
    expect((await portfolio()).health).toBe("healthy");
    const statuses = await db.$client`select status from incidents where model_id = ${modelId}`;
    expect(statuses.map((row) => row.status)).toEqual(["resolved", "resolved"]);
  });

  it("answers only for the models asked about", async () => {
    expect(await listModelHealth(db, [])).toEqual([]);
    const all = await listModelHealth(db);
    expect(all.map((row) => row.modelId)).toContain(modelId);
  });
});

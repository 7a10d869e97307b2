import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { uploadKpiCsvAction } from "@/app/(console)/kpis/actions";
import { GET, POST } from "@/app/api/v1/models/[name]/kpis/route";
import { createApiKey } from "@/db/queries/api-keys";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { signInAs, useTestDatabaseForApp } from "@/scripts/testing/app-session";
import { openTestDatabase } from "@/scripts/testing/database";
import { loadKpiOverview, recordKpiValues } from "./kpis";

vi.mock("@/app/_server/auth", () => import("@/scripts/testing/app-session"));
// revalidatePath needs a Next.js request; what it would refresh is checked by the e2e.
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const { db, close } = openTestDatabase();
const closeAppDatabase = useTestDatabaseForApp();
const keys: Record<"kpis" | "readOnly" | "otherModel", string> = { kpis: "", readOnly: "", otherModel: "" };
let modelId: string;

// Dates far from the demo seed's last 60 days, so the seeded values never collide with these.
const day = (index: number) => new Date(Date.UTC(2020, 0, 1 + index)).toISOString().slice(0, 10);
const values = (count: number, metric = "approval rate") =>
  Array.from({ length: count }, (_, index) => ({ date: day(index), metric, value: 60 + index / 10, unit: "%" }));

function call(handler: typeof POST, input: { method?: string; model?: string; body?: unknown; key?: string; query?: string }) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (input.key) headers.authorization = `Bearer ${input.key}`;
  const url = `http://localhost/api/v1/models/${input.model ?? "credit-default"}/kpis${input.query ?? ""}`;
  const request = new Request(url, {
    method: input.method ?? "POST",
    headers,
    body: input.body === undefined ? undefined : typeof input.body === "string" ? input.body : JSON.stringify(input.body),
  });
  return handler(request, { params: Promise.resolve({ name: input.model ?? "credit-default" }) });
}

async function stored() {
  const [row] =
    await db.$client`select count(*)::int as values, (select count(*)::int from audit_records where action = 'kpi.values_recorded') as audits
    from kpi_values where model_id = ${modelId} and day < '2021-01-01'`;
  return row as { values: number; audits: number };
}

beforeAll(async () => {
  await seedDemo(db);
  [{ id: modelId }] = await db.$client`select id from models where slug = 'credit-default'`;
  const [other] = await db.$client`insert into models (slug, display_name, risk_tier) values ('kpi-other-model', 'Other model', 'low')
    on conflict (slug) do update set slug = excluded.slug returning id`;
  keys.kpis = (await createApiKey(db, { name: "kpi writer", scopes: ["kpis"], modelIds: [modelId], createdBy: null })).key;
  keys.readOnly = (await createApiKey(db, { name: "kpi reader", scopes: ["read"], modelIds: null, createdBy: null })).key;
  keys.otherModel = (
    await createApiKey(db, { name: "other model writer", scopes: ["kpis", "read"], modelIds: [other.id], createdBy: null })
  ).key;
});
afterAll(async () => {
  await signInAs(db, null);
  await closeAppDatabase();
  await close();
});

describe("POST /api/v1/models/{name}/kpis", () => {
  it("upserts a list as a committee member: inserts, then replaces on (model, metric, day), one audit record each time", async () => {
    await signInAs(db, "committee@oversight.test");
    const before = await stored();
    const first = await call(POST, {
      body: { values: [...values(3), ...values(2, "default losses").map((value) => ({ ...value, unit: "USD", value: 40_000 }))] },
    });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ model: "credit-default", received: 5, inserted: 5, updated: 0 });

    const second = await call(POST, {
      body: {
        values: [
          { ...values(1)[0], value: 55.5 },
          { date: day(3), metric: "approval rate", value: 70, unit: "%" },
        ],
      },
    });
    expect(await second.json()).toEqual({ model: "credit-default", received: 2, inserted: 1, updated: 1 });
    expect(await stored()).toEqual({ values: before.values + 6, audits: before.audits + 2 });
    const [replaced] =
      await db.$client`select value, unit from kpi_values where model_id = ${modelId} and metric = 'approval rate' and day = ${day(0)}`;
    expect(replaced).toEqual({ value: 55.5, unit: "%" });
    const [audit] =
      await db.$client`select actor_label, model_id, input from audit_records where action = 'kpi.values_recorded' order by sequence desc limit 1`;
    expect(audit).toEqual({
      actor_label: "committee@oversight.test",
      model_id: modelId,
      input: { source: "api", count: 2, inserted: 1, updated: 1, metrics: ["approval rate"], from: day(0), to: day(3) },
    });
  });

  it("accepts a single value and an API key with the kpis scope", async () => {
    await signInAs(db, null);
    const response = await call(POST, { key: keys.kpis, body: { date: day(10), metric: "  approval rate ", value: 61, unit: "%" } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ model: "credit-default", received: 1, inserted: 1, updated: 0 });
  });

  it("stores 10,000 values in one request, across several insert chunks", async () => {
    await signInAs(db, "admin@oversight.test");
    const response = await call(POST, { body: { values: values(10_000, "bulk metric") } });
    expect(await response.json()).toEqual({ model: "credit-default", received: 10_000, inserted: 10_000, updated: 0 });
  });

  it("refuses invalid values with 422 naming each field path, and stores nothing", async () => {
    await signInAs(db, "scientist@oversight.test");
    const before = await stored();
    const body = { values: [...values(3, "refused metric"), { date: "2020-02-30", metric: "refused metric", value: "12", unit: "%" }] };
    const response = await call(POST, { body });
    expect(response.status).toBe(422);
    const error = await response.json();
    expect(error).toMatchObject({ error: "invalid_input", message: expect.stringContaining("nothing was stored") });
    expect(error.errors).toEqual([
      { field: "values.3.date", message: "date must be a calendar date like 2026-03-31" },
      { field: "values.3.value", message: "value must be a number" },
    ]);
    expect((await call(POST, { body: { values: [...values(2), values(1)[0]] } })).status).toBe(422);
    expect((await call(POST, { body: "{not json" })).status).toBe(400);
    expect(await stored()).toEqual(before);
  });

  it("answers 404 for an unknown model, 401 without a session or key", async () => {
    await signInAs(db, "committee@oversight.test");
    const missing = await call(POST, { model: "no-such-model", body: values(1)[0] });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: "unknown_model" });
    await signInAs(db, null);
    expect((await call(POST, { body: values(1)[0] })).status).toBe(401);
    expect((await call(POST, { body: values(1)[0], key: "ovk_not-a-real-key" })).status).toBe(401);
  });

  it.each(["executive@oversight.test", "analyst@oversight.test"])("refuses %s with 403 and stores nothing", async (email) => {
    await signInAs(db, email);
    const before = await stored();
    const response = await call(POST, { body: { values: values(2, "executive metric") } });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: "forbidden" });
    expect(await stored()).toEqual(before);
  });

  it("refuses API keys without the kpis scope or limited to another model", async () => {
    await signInAs(db, null);
    expect((await call(POST, { key: keys.readOnly, body: values(1)[0] })).status).toBe(403);
    const other = await call(POST, { key: keys.otherModel, body: values(1)[0] });
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({ message: "This API key is not allowed to use the model 'credit-default'." });
  });
});

describe("GET /api/v1/models/{name}/kpis", () => {
  it("lets an executive read the values, filtered by metric and period", async () => {
    await signInAs(db, "executive@oversight.test");
    const response = await call(GET, { method: "GET", query: `?metric=approval%20rate&from=${day(0)}&to=${day(3)}` });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      model: "credit-default",
      values: [
        { date: day(0), metric: "approval rate", value: 55.5, unit: "%" },
        { date: day(1), metric: "approval rate", value: 60.1, unit: "%" },
        { date: day(2), metric: "approval rate", value: 60.2, unit: "%" },
        { date: day(3), metric: "approval rate", value: 70, unit: "%" },
      ],
    });
    expect((await call(GET, { method: "GET", query: "?from=yesterday" })).status).toBe(400);
    expect((await call(GET, { method: "GET", model: "no-such-model" })).status).toBe(404);
    await signInAs(db, null);
    expect((await call(GET, { method: "GET", key: keys.readOnly, query: "?metric=default%20losses" })).status).toBe(200);
    expect((await call(GET, { method: "GET", key: keys.otherModel })).status).toBe(403);
  });
});

describe("recordKpiValues", () => {
  it("stores several models all or nothing: a failing batch takes the earlier ones back", async () => {
    const before = await stored();
    await expect(
      recordKpiValues(db, {
        actor: { id: null, label: "test" },
        source: "csv",
        batches: [
          { model: { id: modelId, slug: "credit-default" }, values: values(2_500, "rolled back") },
          { model: { id: "00000000-0000-4000-8000-000000000000", slug: "gone" }, values: values(1) },
        ],
      }),
    ).rejects.toThrow();
    expect(await stored()).toEqual(before);
  });
});

describe("uploadKpiCsvAction", () => {
  const header = "model,date,metric,value,unit";

  it("names every bad row and column and stores nothing", async () => {
    await signInAs(db, "committee@oversight.test");
    const before = await stored();
    const csv = [
      header,
      `credit-default,${day(20)},csv metric,1,%`,
      `no-such-model,${day(21)},csv metric,2,%`,
      `credit-default,${day(22)},csv metric,two,%`,
    ].join("\n");
    expect(await uploadKpiCsvAction({ csv, fileName: "bad.csv" })).toEqual({
      ok: false,
      status: 422,
      message: "The file has 2 problems; nothing was stored.",
      fieldErrors: { csv: ["Row 3, column model: no model named 'no-such-model'.", "Row 4, column value: 'two' is not a number."] },
    });
    expect(await stored()).toEqual(before);
  });

  it("stores a good file for several models in one go, one audit record per model", async () => {
    await signInAs(db, "committee@oversight.test");
    const csv = [
      header,
      `credit-default,${day(20)},csv metric,1.5,%`,
      `kpi-other-model,${day(20)},csv metric,7,USD`,
      `credit-default,${day(21)},csv metric,2.5,%`,
    ].join("\n");
    const result = await uploadKpiCsvAction({ csv, fileName: "good.csv" });
    expect(result).toEqual({
      ok: true,
      data: {
        fileName: "good.csv",
        results: [
          { model: "credit-default", received: 2, inserted: 2, updated: 0 },
          { model: "kpi-other-model", received: 1, inserted: 1, updated: 0 },
        ],
      },
    });
    const rows =
      await db.$client`select m.slug, k.day, k.value, k.unit from kpi_values k join models m on m.id = k.model_id where k.metric = 'csv metric' order by m.slug, k.day`;
    expect(rows).toEqual([
      { slug: "credit-default", day: day(20), value: 1.5, unit: "%" },
      { slug: "credit-default", day: day(21), value: 2.5, unit: "%" },
      { slug: "kpi-other-model", day: day(20), value: 7, unit: "USD" },
    ]);
    const audits =
      await db.$client`select input->>'source' as source, input->>'count' as count from audit_records where action = 'kpi.values_recorded' order by sequence desc limit 2`;
    expect(audits).toEqual([
      { source: "csv", count: "1" },
      { source: "csv", count: "2" },
    ]);
  });

  it("refuses an executive and an analyst", async () => {
    for (const email of ["executive@oversight.test", "analyst@oversight.test"]) {
      await signInAs(db, email);
      expect(await uploadKpiCsvAction({ csv: `${header}\ncredit-default,${day(30)},m,1,` })).toMatchObject({ ok: false, status: 403 });
    }
  });
});

describe("loadKpiOverview", () => {
  it("shows the demo model's seeded KPIs (60 days up to yesterday) on a 90-day axis, with its cost outlook", async () => {
    const overview = await loadKpiOverview(db, { days: 90 });
    const demo = overview.models.find((entry) => entry.model.slug === "credit-default")!;
    expect(demo.inProduction).toBe(true);
    // (The 10,000-value test above reaches into these days too, with its own metric.)
    expect(
      demo.kpis
        .filter((series) => series.metric !== "bulk metric")
        .map((series) => [series.metric, series.unit, series.points.length, series.observedDays]),
    ).toEqual([
      ["approval rate", "%", 90, 60],
      ["default losses", "USD", 90, 60],
    ]);
    expect(demo.cost).toMatchObject({ monthlyComputeCostUsd: 0.2 * 2 * 730 });
    expect(overview.summary.inProduction).toBeGreaterThanOrEqual(1);
    // Seeding again adds nothing: the demo KPIs are idempotent.
    const [before] = await db.$client`select count(*)::int as count from kpi_values`;
    await seedDemo(db);
    const [after] = await db.$client`select count(*)::int as count from kpi_values`;
    expect(after.count).toBe(before.count);
  });
});

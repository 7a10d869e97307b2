/**
 * The labelled export streams page by page (a keyset cursor over the outcomes) instead of reading
 * every row before the first byte. What it sends must be what the one-shot export sent: the plain
 * query below (the route's query before streaming, ordered by time then id) through one
 * Papa.unparse of every row, byte for byte, across page boundaries, ties in time, rows it leaves
 * out (shadow answers, unlabelled predictions) and a period.
 */
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as exportLabelled } from "@/app/api/v1/models/[name]/labelled/route";
import { createApiKey } from "@/db/queries/api-keys";
import { chooseLabelledWalk, listLabelledPredictions, type TLabelledCursor, type TLabelledWalk } from "@/db/queries/outcomes";
import { refreshPredictionSummaries } from "@/db/queries/summaries-refresh";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { useTestDatabaseForApp } from "@/scripts/testing/app-session";
import { openTestDatabase } from "@/scripts/testing/database";

const { db, close } = openTestDatabase();
const closeAppDatabase = useTestDatabaseForApp();
const SLUG = "labelled-export-stream";
let key = "";
let modelId = "";
const versionIds: Record<string, string> = {};

beforeAll(async () => {
  await seedDemo(db);
  [{ id: modelId }] = await db.$client`
    insert into models (slug, display_name, risk_tier, business_kpi) values (${SLUG}, 'Labelled export stream', 'low', 'Approvals') returning id`;
  // Two versions with the demo champion's schema (its feature names): 1.0.0 answers most predictions, 2.0.0 about one in fifty
  // (a rare version to filter by); every fifth prediction is the fallback's (no version).
  const copyDemoVersion = async (version: string, major: number) => {
    const [{ id }] = await db.$client`
      insert into model_versions (model_id, version, version_major, version_minor, version_patch, status, artifact_sha256, input_schema, output_schema)
      select ${modelId}, ${version}, ${major}, 0, 0, v.status, v.artifact_sha256, v.input_schema, v.output_schema
      from model_versions v join models m on m.id = v.model_id where m.slug = 'credit-default' and v.version = '1.0.0'
      returning id`;
    return id as string;
  };
  const versionId = await copyDemoVersion("1.0.0", 1);
  const rareVersionId = await copyDemoVersion("2.0.0", 2);
  Object.assign(versionIds, { "1.0.0": versionId, "2.0.0": rareVersionId });
  // 17,000 predictions over 20 days, many sharing their second (ties in time), a tenth in shadow; four in five labelled,
  // so the export spans many pages (100, then 2,000 each) and pages end among rows it leaves out.
  await db.$client`
    with made as (
      insert into predictions (id, created_at, model_id, model_version_id, role, request_id, features, attributes, probability, label, confidence, latency_ms)
      select gen_random_uuid(), date_trunc('second', now() - make_interval(secs => (g % 4000) * 432)),
        ${modelId}, case when g % 5 = 0 then null when g % 53 = 1 then ${rareVersionId}::uuid else ${versionId}::uuid end,
        case when g % 10 = 3 then 'shadow' when g % 5 = 0 then 'fallback' else 'champion' end, 'export-' || g,
        array[55000 + g, g % 20, 12000, 36, 0.25, 7, 1, 3, 0]::real[],
        jsonb_build_object('sex', case when g % 2 = 0 then 'female' else 'male' end, 'note', 'a, "quoted" value'),
        (g % 100) / 100.0, case when g % 100 >= 30 then 'default' else 'repay' end, 0.6, 2
      from generate_series(1, 17000) g
      returning id, created_at, model_id, probability
    )
    -- Recorded an hour after the prediction (but not within the summaries' five-minute margin), as a caller sends them.
    insert into outcomes (prediction_id, prediction_created_at, model_id, label, label_value, source, created_at)
    select id, created_at, model_id, case when probability > 0.5 then 'default' else 'repay' end, (probability > 0.5)::int, 'api',
      greatest(created_at, least(created_at + interval '1 hour', now() - interval '10 minutes'))
    from made where random() < 0.8`;
  key = (await createApiKey(db, { name: "labelled-export", scopes: ["read"], modelIds: null, createdBy: null })).key;
}, 300_000);

afterAll(async () => {
  await closeAppDatabase();
  await close();
});

/** The export as one query and one Papa.unparse, as the route wrote it before it streamed. */
async function oneShot(from?: string, to?: string, version?: string) {
  const rows = await db.$client<
    Array<{
      prediction_id: string;
      created_at: Date;
      version: string | null;
      role: string;
      features: number[];
      attributes: Record<string, unknown>;
      probability: number;
      model_label: string;
      true_label: string;
      label_value: number;
      source: string;
      input_schema: { features?: Array<{ name: string; modelInput?: boolean }> } | null;
    }>
  >`
    select p.id as prediction_id, p.created_at, v.version, p.role, p.features, p.attributes, p.probability, p.label as model_label,
           o.label as true_label, o.label_value, o.source, v.input_schema
    from outcomes o
    join predictions p on p.id = o.prediction_id and p.created_at = o.prediction_created_at
    left join model_versions v on v.id = p.model_version_id
    where o.model_id = ${modelId} and p.role <> 'shadow' and (${version ?? null}::text is null or v.version = ${version ?? null})
      and p.created_at >= ${from ? `${from}T00:00:00Z` : "-infinity"}::timestamptz
      and p.created_at < ${to ? new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString() : "infinity"}::timestamptz
    order by p.created_at, p.id`;
  const records = rows.map((row) => {
    const names = (row.input_schema?.features ?? []).filter((feature) => feature.modelInput !== false).map((feature) => feature.name);
    const features = Object.fromEntries(row.features.map((value, index) => [names[index] ?? `feature_${index}`, value]));
    return {
      prediction_id: row.prediction_id,
      created_at: new Date(row.created_at).toISOString(),
      model_version: row.version ?? "fallback",
      role: row.role,
      ...features,
      ...row.attributes,
      probability: row.probability,
      model_label: row.model_label,
      true_label: row.true_label,
      label_value: row.label_value,
      label_source: row.source,
    };
  });
  return { count: rows.length, csv: Papa.unparse(records), ids: rows.map((row) => row.prediction_id) };
}

async function exported(query: string) {
  const response = await exportLabelled(
    new Request(`http://localhost/api/v1/models/${SLUG}/labelled${query}`, { headers: { authorization: `Bearer ${key}` } }),
    { params: Promise.resolve({ name: SLUG }) },
  );
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/csv");
  return response.text();
}

describe("GET /api/v1/models/{name}/labelled", () => {
  it("streams the same CSV as the one-shot export, across pages and ties in time", async () => {
    const expected = await oneShot();
    // More rows than two pages, or the test would not cross a page boundary.
    expect(expected.count).toBeGreaterThan(2_100);
    expect(await exported("")).toBe(expected.csv);
  });

  it("keeps to one version, a rare one too, across pages, and with a period", async () => {
    const rare = await oneShot(undefined, undefined, "2.0.0");
    // 17,000 / 53 predictions, ~0.7 of them neither fallback nor shadow, 0.8 of those labelled: more than the first page of 100.
    expect(rare.count).toBeGreaterThan(100);
    expect(await exported("?version=2.0.0")).toBe(rare.csv);
    const common = await oneShot(undefined, undefined, "1.0.0");
    expect(common.count).toBeGreaterThan(2_100);
    expect(await exported("?version=1.0.0")).toBe(common.csv);
    const from = new Date(Date.now() - 9 * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    const period = await oneShot(from, to, "2.0.0");
    expect(period.count).toBeGreaterThan(0);
    expect(await exported(`?version=2.0.0&from=${from}&to=${to}`)).toBe(period.csv);
  });

  it("walks a version's export from either side to the same rows, and picks the side with fewer rows", async () => {
    const walked = async (version: string, walk: TLabelledWalk) => {
      const ids: string[] = [];
      let after: TLabelledCursor | undefined;
      for (let limit = 100; ; limit = 2_000) {
        const page = await listLabelledPredictions(db, { modelId, versionId: versionIds[version], walk, after, limit });
        ids.push(...page.rows.map((row) => row.prediction_id));
        if (!page.next) return ids;
        after = page.next;
      }
    };
    for (const version of ["1.0.0", "2.0.0"]) {
      const expected = (await oneShot(undefined, undefined, version)).ids;
      expect(await walked(version, "version"), `${version} by its predictions`).toEqual(expected);
      expect(await walked(version, "outcomes"), `${version} by the outcomes`).toEqual(expected);
    }
    // The default margin: hours up to five minutes ago, so a row another test file commits late is not missed.
    await refreshPredictionSummaries(db);
    // ~320 predictions of 2.0.0 against ~12,000 labelled predictions of the model.
    expect(await chooseLabelledWalk(db, { modelId, versionId: versionIds["2.0.0"] })).toBe("version");
    // A period with no prediction at all: nothing is fewer, so the outcomes.
    expect(
      await chooseLabelledWalk(db, { modelId, versionId: versionIds["2.0.0"], from: new Date("2001-01-01"), to: new Date("2001-02-01") }),
    ).toBe("outcomes");
  });

  it("keeps to a period, and sends only the header for an empty one", async () => {
    const from = new Date(Date.now() - 9 * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    const expected = await oneShot(from, to);
    expect(expected.count).toBeGreaterThan(0);
    expect(await exported(`?from=${from}&to=${to}`)).toBe(expected.csv);
    expect(await exported("?from=2001-01-01&to=2001-01-31")).toBe(
      "prediction_id,created_at,model_version,role,probability,model_label,true_label,label_value,label_source\n",
    );
  });
});

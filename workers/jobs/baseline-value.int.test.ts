import { readFileSync } from "node:fs";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { afterAll, beforeAll, expect, it } from "vitest";
import { getMeasuredCostInputs } from "@/db/queries/cost-inputs";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase, resetDemoDeployment } from "@/scripts/testing/database";
import { BASELINE_MAX_ROWS, refreshPreviousChampionBaselines } from "./baseline-value";

const { db, close } = openTestDatabase();
beforeAll(() => seedDemo(db));
afterAll(async () => {
  await resetDemoDeployment(db);
  await close();
});

// USD per unit of loan amount: a good loan earns a 2 % margin, a declined good loan loses it, a default loses 60 %.
const MATRIX = {
  truePositiveUsd: 0,
  falsePositiveUsd: -0.02,
  trueNegativeUsd: 0.02,
  falseNegativeUsd: -0.6,
  scaleInput: "loan_amount_usd",
  baseline: "previous_champion",
};

it("values the previous champion on the served labelled predictions as a plain onnxruntime session and the matrix by hand do", async () => {
  const [model] = await db.$client`select id, value_matrix from models where slug = 'credit-default'`;
  const versions = await db.$client`
    select v.id, v.version, v.input_schema, v.output_schema, a.content from model_versions v join artifacts a on a.sha256 = v.artifact_sha256
    where v.model_id = ${model.id} and v.version in ('1.0.0', '1.1.0') order by v.version`;
  const [previous, champion] = versions;
  // 1.1.0 was promoted over 1.0.0.
  await db.$client`update model_versions set status = 'retired' where id = ${previous.id}`;
  await db.$client`update model_versions set status = 'champion' where id = ${champion.id}`;
  await db.$client`update deployments set champion_version_id = ${champion.id}, previous_champion_version_id = ${previous.id}, challenger_version_id = null, mode = 'off', canary_percent = 0, revision = revision + 1 where model_id = ${model.id}`;
  await db.$client`update models set value_matrix = ${JSON.stringify(MATRIX)}::jsonb where id = ${model.id}`;
  try {
    // Served traffic with outcomes: the demo's reference applicants answered by the champion over the last 2,000 minutes.
    const [header, ...lines] = readFileSync("scripts/demo/data/credit-reference.csv", "utf8").trim().split("\n");
    const columns = header.split(",");
    const names = (champion.input_schema.features as Array<{ name: string; modelInput: boolean }>)
      .filter((feature) => feature.modelInput)
      .map((feature) => feature.name);
    const served = lines.map((line, index) => {
      const cells = line.split(",");
      const cell = (name: string) => cells[columns.indexOf(name)];
      return {
        features: names.map((name) => (cell(name) === "true" ? 1 : cell(name) === "false" ? 0 : Number(cell(name)))),
        defaulted: cell("defaulted") === "1",
        // Any served decision will do: the test checks the stored values against the same rows.
        label: index % 5 === 0 ? "default" : "repay",
        minutesAgo: index + 1,
      };
    });
    for (let start = 0; start < served.length; start += 500) {
      const batch = served.slice(start, start + 500);
      const made = await db.$client`
        insert into predictions (model_id, model_version_id, role, request_id, features, probability, label, confidence, latency_ms, created_at)
        select ${model.id}, ${champion.id}, 'champion', 'baseline-test-' || r.i, r.features::real[], 0.5, r.label, 0.5, 1, now() - make_interval(mins => r.i)
        from jsonb_to_recordset(${JSON.stringify(batch.map((row) => ({ i: row.minutesAgo, features: `{${row.features.join(",")}}`, label: row.label })))}::jsonb)
          as r(i int, features text, label text)
        returning id, created_at, request_id`;
      const byRequest = new Map(batch.map((row) => [`baseline-test-${row.minutesAgo}`, row]));
      await db.$client`
        insert into outcomes (prediction_id, prediction_created_at, model_id, label, label_value, source)
        select r.id, r.created_at, ${model.id}, r.label, r.label_value, 'api'
        from jsonb_to_recordset(${JSON.stringify(
          made.map((row) => {
            const defaulted = byRequest.get(row.request_id)!.defaulted;
            return { id: row.id, created_at: row.created_at, label: defaulted ? "default" : "repay", label_value: defaulted ? 1 : 0 };
          }),
        )}::jsonb) as r(id uuid, created_at timestamptz, label text, label_value smallint)`;
    }

    // Before the job: the page says why there is no baseline instead of a number.
    expect((await getMeasuredCostInputs(db, model.id)).baselineUnavailable).toMatch(/has not re-scored/);

    const now = new Date();
    expect(await refreshPreviousChampionBaselines(db, now, { modelId: model.id })).toBe(1);
    expect(await refreshPreviousChampionBaselines(db, now, { modelId: model.id })).toBe(0); // fresh: same champion, same scaling input, within a day

    // The same rows read independently: the newest labelled predictions served in the 30 days before `now`.
    const rows = await db.$client`
      select p.features, p.label as served, o.label as actual_label, o.label_value
      from predictions p join outcomes o on o.prediction_id = p.id and o.prediction_created_at = p.created_at
      where p.model_id = ${model.id} and p.role in ('champion', 'challenger', 'fallback')
        and p.created_at > ${new Date(now.getTime() - 30 * 86_400_000).toISOString()} and p.created_at <= ${now.toISOString()}
      order by p.created_at desc, p.id desc limit ${BASELINE_MAX_ROWS}`;
    expect(rows.length).toBeGreaterThanOrEqual(served.length);
    // Both demo versions take the same float32 inputs in the same order, so a stored features row is 1.0.0's input row.
    const inputsOf = (schema: { features: Array<{ name: string; modelInput: boolean }> }) =>
      schema.features.filter((feature) => feature.modelInput).map((feature) => feature.name);
    expect(inputsOf(champion.input_schema)).toEqual(inputsOf(previous.input_schema));
    const amountColumn = inputsOf(previous.input_schema).indexOf("loan_amount_usd");

    const session = await InferenceSession.create(new Uint8Array(previous.content));
    const width = inputsOf(previous.input_schema).length;
    const flat = new Float32Array(rows.length * width);
    rows.forEach((row, index) => flat.set(row.features, index * width));
    const output = (await session.run({ [session.inputNames[0]]: new Tensor("float32", flat, [rows.length, width]) }))[
      previous.output_schema.probabilityOutput
    ];
    await session.release();
    // One probability column is P(default); two are [P(repay), P(default)].
    const outputColumns = output.dims.length === 2 ? Number(output.dims[1]) : 1;
    const pDefault = (index: number) => Number(output.data[index * outputColumns + (outputColumns - 1)]);

    const value = (decline: boolean, defaulted: boolean) =>
      decline
        ? defaulted
          ? MATRIX.truePositiveUsd
          : MATRIX.falsePositiveUsd
        : defaulted
          ? MATRIX.falseNegativeUsd
          : MATRIX.trueNegativeUsd;
    let servedUsd = 0;
    let previousUsd = 0;
    rows.forEach((row, index) => {
      const defaulted = row.label_value === 1;
      const amount = row.features[amountColumn];
      servedUsd += value(row.served === "default", defaulted) * amount;
      previousUsd += value(pDefault(index) >= previous.output_schema.threshold, defaulted) * amount;
    });

    const measured = await getMeasuredCostInputs(db, model.id);
    expect(measured.baselineUnavailable).toBeNull();
    expect(measured.previousChampionBasis).toMatchObject({ version: "1.0.0", rows: rows.length, skipped: 0 });
    expect(measured.value!.labelled).toBe(rows.length);
    // Float32 loan amounts summed in double: equal to a cent in billions.
    expect(measured.value!.modelUsd).toBeCloseTo(servedUsd, 2);
    expect(measured.value!.baselineUsd).toBeCloseTo(previousUsd, 2);
    expect(measured.valueAddedPerPrediction!).toBeCloseTo((servedUsd - previousUsd) / rows.length, 6);
    // The two models do decide differently on these rows, so the baseline is not the served value in disguise.
    expect(previousUsd).not.toBeCloseTo(servedUsd, 0);

    // Another scaling input makes the stored cells stale: the page says so until the next pass re-scores.
    await db.$client`update models set value_matrix = ${JSON.stringify({ ...MATRIX, scaleInput: null })}::jsonb where id = ${model.id}`;
    expect((await getMeasuredCostInputs(db, model.id)).baselineUnavailable).toMatch(/has not re-scored/);
    expect(await refreshPreviousChampionBaselines(db, now, { modelId: model.id })).toBe(1);
    const unscaled = await getMeasuredCostInputs(db, model.id);
    expect(unscaled.value!.baselineUsd).toBeCloseTo(
      rows.reduce((total, row, index) => total + value(pDefault(index) >= previous.output_schema.threshold, row.label_value === 1), 0),
      6,
    );
  } finally {
    await db.$client`update models set value_matrix = ${model.value_matrix === null ? null : JSON.stringify(model.value_matrix)}::jsonb where id = ${model.id}`;
    await db.$client`delete from baseline_values where model_id = ${model.id}`;
    await db.$client`delete from outcomes where prediction_id in (select id from predictions where request_id like 'baseline-test-%')`;
    await db.$client`delete from predictions where request_id like 'baseline-test-%'`;
    await db.$client`update model_versions set status = 'champion' where id = ${previous.id}`;
    await resetDemoDeployment(db);
  }
});

import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Papa from "papaparse";
import { Tensor } from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { CREDIT_MODEL_INPUTS } from "@/lib/demo/credit-data";
import { predictProbability, type TLogisticModel } from "@/lib/ml/logistic-regression";
import { createSession } from "./load-session";

const DEMO = path.resolve("scripts/demo");
const manifest = JSON.parse(fs.readFileSync(path.join(DEMO, "models/manifest.json"), "utf8")) as {
  versions: Array<{ version: string; onnxFile: string; sha256: string; model: TLogisticModel & { engineeredLogLoanToIncome: boolean } }>;
};
const reference = Papa.parse<Record<string, string>>(fs.readFileSync(path.join(DEMO, "data/credit-reference.csv"), "utf8"), {
  header: true,
  skipEmptyLines: true,
}).data;
const rows = reference.map((row) =>
  CREDIT_MODEL_INPUTS.map((name) => (name === "has_mortgage" ? (row[name] === "true" ? 1 : 0) : Number(row[name]))),
);

describe.each(manifest.versions)("demo model $version", (entry) => {
  const file = path.join(DEMO, "models", entry.onnxFile);

  it("matches the sha256 in the manifest", () => {
    expect(createHash("sha256").update(fs.readFileSync(file)).digest("hex")).toBe(entry.sha256);
  });

  it("loads in onnxruntime with features [batch, 9] → probability [batch, 1]", async () => {
    const session = await createSession(file);
    expect(session.inputNames).toEqual(["features"]);
    expect(session.outputNames).toEqual(["probability"]);
    const input = session.inputMetadata[0];
    expect(input.isTensor && input.shape).toEqual(["batch", 9]);
    await session.release();
  });

  it("gives the float64 reference probability on all 2,000 reference rows within 1e-5", async () => {
    const session = await createSession(file);
    const output = await session.run({ features: new Tensor("float32", Float32Array.from(rows.flat()), [rows.length, 9]) });
    const actual = Array.from(output.probability.data as Float32Array);
    const income = CREDIT_MODEL_INPUTS.indexOf("annual_income_usd");
    const loan = CREDIT_MODEL_INPUTS.indexOf("loan_amount_usd");
    const inputs = entry.model.engineeredLogLoanToIncome ? rows.map((row) => [...row, Math.log(row[loan] / row[income])]) : rows;
    const expected = predictProbability(entry.model, inputs);
    expect(actual).toHaveLength(2000);
    const worst = Math.max(...actual.map((value, index) => Math.abs(value - expected[index])));
    expect(worst).toBeLessThan(1e-5);
    await session.release();
  });
});

import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeScaledLinearClassifierOnnx, writeTwoColumnLogisticRegressionOnnx } from "@/lib/onnx/write-classifiers";
import { writeLogisticRegressionOnnx, writeOnnxModel } from "@/lib/onnx/write-model";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase } from "@/scripts/testing/database";
import { ApiError } from "./api-errors";
import { registerModelVersion } from "./registry";

const { db, close } = openTestDatabase();
const demo = path.resolve("scripts/demo");
const schema = JSON.parse(fs.readFileSync(path.join(demo, "credit-default.schema.json"), "utf8"));
const manifest = JSON.parse(fs.readFileSync(path.join(demo, "models/manifest.json"), "utf8"));
const goodOnnx = new Uint8Array(fs.readFileSync(path.join(demo, "models/credit-default-1.1.0.onnx")));
const referenceCsv = fs.readFileSync(path.join(demo, "data/credit-reference.csv"), "utf8");
// A model file no version has: the demo's files are registered already, and the same file twice is refused.
const freshOnnx = (bias: number) =>
  writeLogisticRegressionOnnx({
    width: 9,
    means: new Array(9).fill(0),
    stds: new Array(9).fill(1),
    weights: new Array(9).fill(0.01),
    bias,
  });
const principal = { kind: "user" as const, id: "", label: "scientist@oversight.test", roles: ["scientist" as const] };

const metadata = (version: string) => ({
  version,
  inputSchema: schema.inputSchema,
  outputSchema: schema.outputSchema,
  trainingData: manifest.versions[1].trainingData,
  hyperparameters: manifest.versions[1].hyperparameters,
  offlineMetrics: manifest.versions[1].offlineMetrics,
  card: manifest.versions[1].card,
});

// The metadata of an upload whose probabilities leave through the ONNX output `probabilityOutput`.
const withOutput = (version: string, probabilityOutput: string) => ({
  ...metadata(version),
  outputSchema: { ...schema.outputSchema, probabilityOutput },
});

async function counts() {
  const [row] =
    await db.$client`select (select count(*)::int from model_versions) as versions, (select count(*)::int from artifacts) as artifacts, (select count(*)::int from audit_records) as audit`;
  return row;
}

beforeAll(async () => {
  await seedDemo(db);
  const [scientist] = await db.$client`select id from users where email = 'scientist@oversight.test'`;
  principal.id = scientist.id;
});
afterAll(close);

describe("registering a version", () => {
  it("stores a valid version with its artifact, reference profile and audit record", async () => {
    const before = await counts();
    const created = await registerModelVersion({
      db,
      principal,
      modelSlug: "credit-default",
      metadata: metadata("1.2.0"),
      artifact: freshOnnx(0.1),
      referenceCsv,
    });
    expect(created).toMatchObject({ version: "1.2.0", status: "registered", referenceRows: 2000 });
    const after = await counts();
    expect(after).toEqual({ versions: before.versions + 1, artifacts: before.artifacts + 1, audit: before.audit + 1 });
    const [row] =
      await db.$client`select reference_profile->'rowCount' as rows, registered_by from model_versions where id = ${created.id}`;
    expect(row).toEqual({ rows: 2000, registered_by: principal.id });
  });

  it("accepts a scikit-learn-layout export (label int64 [N], probabilities [N, 2]) and records that P(positive) is its column 1", async () => {
    const artifact = writeTwoColumnLogisticRegressionOnnx({ weights: new Array(9).fill(0), bias: 0 });
    const created = await registerModelVersion({
      db,
      principal,
      modelSlug: "credit-default",
      metadata: withOutput("1.3.0", "probabilities"),
      artifact,
      referenceCsv: null,
    });
    const [row] =
      await db.$client`select a.signature from artifacts a join model_versions v on v.artifact_sha256 = a.sha256 where v.id = ${created.id}`;
    expect(row.signature).toMatchObject({ outputs: ["label", "probabilities"], probabilityColumns: 2, labelOutput: "label" });
  });

  const wrongWidth = writeLogisticRegressionOnnx({ width: 3, means: [0, 0, 0], stds: [1, 1, 1], weights: [0.1, 0.2, 0.3], bias: 0 });
  const zipMapped = writeTwoColumnLogisticRegressionOnnx({ weights: new Array(9).fill(0), bias: 0, zipMap: true });
  // A three-class softmax over the nine inputs: probabilities [N, 3].
  const threeClasses = writeOnnxModel({
    graphName: "three_classes",
    inputs: [{ name: "features", dims: ["batch", 9] }],
    outputs: [{ name: "probabilities", dims: ["batch", 3] }],
    initializers: [{ name: "weights", dims: [9, 3], values: new Array(27).fill(0) }],
    nodes: [
      { opType: "MatMul", inputs: ["features", "weights"], outputs: ["logits"] },
      { opType: "Softmax", inputs: ["logits"], outputs: ["probabilities"], attributes: { axis: 1 } },
    ],
  });
  const cases: Array<[string, () => Parameters<typeof registerModelVersion>[0], number, RegExp]> = [
    [
      "a file that is not ONNX",
      () => ({
        db,
        principal,
        modelSlug: "credit-default",
        metadata: metadata("2.0.0"),
        artifact: new TextEncoder().encode("this is a CSV, not a model"),
        referenceCsv: null,
      }),
      422,
      /^load: the file is not an ONNX model/,
    ],
    [
      "an ONNX whose input width does not match the schema",
      () => ({ db, principal, modelSlug: "credit-default", metadata: metadata("2.0.0"), artifact: wrongWidth, referenceCsv: null }),
      422,
      /^input width: input 'features' has shape \[batch, 3\] but the schema declares 9 model inputs/,
    ],
    [
      // The ZipMap is removed at registration (lib/onnx/strip-zipmap.ts), then checked like any model: its classes are 0 and 1.
      "a scikit-learn export with ZipMap probabilities, once the ZipMap is removed, by its classes",
      () => ({
        db,
        principal,
        modelSlug: "credit-default",
        metadata: withOutput("2.0.0", "output_probability"),
        artifact: zipMapped,
        referenceCsv: null,
      }),
      422,
      /^classes: positiveLabel 'default' is not one of the model's classes \('0', '1', in column order\)/,
    ],
    [
      "a three-class model",
      () => ({
        db,
        principal,
        modelSlug: "credit-default",
        metadata: withOutput("2.0.0", "probabilities"),
        artifact: threeClasses,
        referenceCsv: null,
      }),
      422,
      /^output: output 'probabilities' has 3 columns \(shape \[\d+, 3\]\): Oversight serves binary classifiers only/,
    ],
    [
      "a declared output the model lacks",
      () => ({
        db,
        principal,
        modelSlug: "credit-default",
        metadata: withOutput("2.0.0", "proba"),
        artifact: freshOnnx(0.2),
        referenceCsv: null,
      }),
      422,
      /^output: the model has no output 'proba' \(it has 'probability'\)/,
    ],
    [
      "a duplicate version",
      () => ({ db, principal, modelSlug: "credit-default", metadata: metadata("1.1.0"), artifact: goodOnnx, referenceCsv: null }),
      409,
      /already registered/,
    ],
    [
      "a lower version",
      () => ({ db, principal, modelSlug: "credit-default", metadata: metadata("1.1.5"), artifact: goodOnnx, referenceCsv: null }),
      422,
      /must be greater than the latest version, 1.3.0/,
    ],
    [
      "a malformed schema",
      () => ({
        db,
        principal,
        modelSlug: "credit-default",
        metadata: { ...metadata("2.0.0"), inputSchema: { features: [{ name: "income", type: "numeric", min: 5, max: 1 }] } },
        artifact: goodOnnx,
        referenceCsv: null,
      }),
      422,
      /version metadata is not valid/,
    ],
    [
      "a CSV with missing columns",
      () => ({
        db,
        principal,
        modelSlug: "credit-default",
        metadata: metadata("2.0.0"),
        artifact: freshOnnx(0.3),
        referenceCsv: "annual_income_usd,sex\n50000,female\n",
      }),
      422,
      /lacks the column\(s\) employment_years, loan_amount_usd/,
    ],
    [
      "an artifact already registered (the same sha256 as the demo's 1.1.0)",
      () => ({ db, principal, modelSlug: "credit-default", metadata: metadata("2.0.0"), artifact: goodOnnx, referenceCsv: null }),
      409,
      /^This ONNX file \(sha256 [0-9a-f]{12}…\) is already registered as credit-default 1\.1\.0/,
    ],
    [
      "a ZipMap export whose positiveLabel is not one of the model's classes",
      () => ({
        db,
        principal,
        modelSlug: "credit-default",
        metadata: withOutput("2.0.0", "probabilities"),
        artifact: writeScaledLinearClassifierOnnx({
          offsets: new Array(9).fill(0),
          scales: new Array(9).fill(1),
          weights: new Array(9).fill(0.01),
          bias: 0,
        }),
        referenceCsv: null,
      }),
      422,
      /^classes: positiveLabel 'default' is not one of the model's classes \('0', '1', in column order\)/,
    ],
    [
      "an unknown model",
      () => ({ db, principal, modelSlug: "no-such-model", metadata: metadata("1.0.0"), artifact: goodOnnx, referenceCsv: null }),
      404,
      /No model named 'no-such-model'/,
    ],
  ];

  it.each(cases)("refuses %s with a specific error and stores nothing", async (_name, make, status, message) => {
    const before = await counts();
    const error = await registerModelVersion(make()).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).not.toBeNull();
    expect((error as ApiError).status ?? (error as { status: number }).status).toBe(status);
    expect((error as Error).message).toMatch(message);
    expect(await counts()).toEqual(before);
  });

  it("reports which metadata fields are wrong", async () => {
    const error = (await registerModelVersion({
      db,
      principal,
      modelSlug: "credit-default",
      metadata: { ...metadata("x"), outputSchema: {} },
      artifact: goodOnnx,
      referenceCsv: null,
    }).catch((caught) => caught)) as ApiError;
    const fields = (error.details as Array<{ field: string }>).map((detail) => detail.field);
    expect(fields).toEqual(expect.arrayContaining(["version", "outputSchema.probabilityOutput", "outputSchema.threshold"]));
  });
});

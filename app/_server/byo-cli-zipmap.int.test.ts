import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { GET as showVersion } from "@/app/api/v1/models/[name]/versions/[version]/route";
import { GET as exportCard } from "@/app/api/v1/models/[name]/versions/[version]/card/route";
import { POST as registerVersion } from "@/app/api/v1/models/[name]/versions/route";
import { createApiKey } from "@/db/queries/api-keys";
import { writeDecisionTreeClassifierOnnx, type TDecisionTree } from "@/lib/onnx/write-classifiers";
import { createRandom } from "@/lib/random";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { runCli, type TCliRun } from "@/scripts/testing/cli-process";
import { useTestDatabaseForApp } from "@/scripts/testing/app-session";
import { openTestDatabase } from "@/scripts/testing/database";
import { startWorkerProcess } from "@/scripts/testing/worker-process";
import { createModel } from "./models";
import { expectedCalibrationError, mannWhitneyAuc } from "@/scripts/testing/reference-metrics";

/*
 * Issue 12, bring your own model through the CLI: `versions register` with the schema inferred
 * from the ONNX file and a labelled CSV, `--wait --json`, against the app's real route handlers
 * (served here by a bare node:http server) and the real worker, which validates and serves.
 *
 * The ZipMap models are built by Debian's python3-onnx (scripts/testing/onnx_fixtures.py), not by
 * Oversight's writer, as skl2onnx's default export lays them out: LinearClassifier → ZipMap, int64
 * and string class labels. The expected probabilities are onnxruntime's own on the same model built
 * without ZipMap (the "un-zipped" tensor); the gates are recomputed here from them by their published
 * definitions (ROC AUC as Mann–Whitney U / (n₁ n₀), as scikit-learn's roc_auc_score; ECE with 10
 * equal-width bins, Naeini et al. 2015; accuracy at the threshold), not by lib/stats.
 */

vi.mock("@/app/_server/auth", () => import("@/scripts/testing/app-session"));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

const PYTHON = "/usr/bin/python3";
const FIXTURES = path.resolve("scripts/testing/onnx_fixtures.py");
const FEATURES = ["mean radius", "mean texture", "worst area", "worst smoothness"];
const WEIGHTS = [1.4, -0.9, 1.1, -0.6];
const BIAS = 0.2;
const ROWS = 300;

const random = createRandom(1207);
const rows = Array.from({ length: ROWS }, () => FEATURES.map(() => Number(random.normal().toFixed(6))));
const pOf = (row: number[]) => 1 / (1 + Math.exp(-(row.reduce((sum, value, index) => sum + value * WEIGHTS[index], 0) + BIAS)));
// Classes drawn from the model's own probability, so it is calibrated up to sampling noise.
const positives = rows.map((row) => (random.uniform() < pOf(row) ? 1 : 0));
const sexes = rows.map(() => (random.uniform() < 0.5 ? "F" : "M"));

const { db, close } = openTestDatabase();
const closeAppDatabase = useTestDatabaseForApp();
let dir = "";
let server: http.Server;
let worker: Awaited<ReturnType<typeof startWorkerProcess>>;
let apiKey = "";
const files: Record<string, string> = {};

function buildWithPython(name: string, spec: Record<string, unknown>): string {
  const file = path.join(dir, name);
  execFileSync(PYTHON, [FIXTURES, file, JSON.stringify(spec)]);
  return file;
}

function writeFile(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const csvOf = (header: string[], body: Array<Array<string | number>>) =>
  [header.map((name) => (name.includes(" ") ? `"${name}"` : name)).join(","), ...body.map((row) => row.join(","))].join("\n") + "\n";

/** onnxruntime's [N, 2] probabilities of a model with a tensor output, read by hand. */
async function runtimeProbabilities(file: string, output: string): Promise<Array<[number, number]>> {
  const session = await InferenceSession.create(file);
  try {
    const outputs = await session.run({ features: new Tensor("float32", Float32Array.from(rows.flat()), [ROWS, FEATURES.length]) }, [
      output,
    ]);
    const data = outputs[output].data as Float32Array;
    return rows.map((_, index) => [data[index * 2], data[index * 2 + 1]]);
  } finally {
    await session.release();
  }
}

type TRoute = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
/** The two routes the CLI calls, served over HTTP so the CLI runs as a real child process. */
function routeOf(method: string, pathname: string): { handler: TRoute; params: Record<string, string> } | null {
  const parts = pathname.split("/").map(decodeURIComponent); // ["", "api", "v1", "models", name, "versions", version?]
  if (parts[4] === undefined || parts[5] !== "versions") return null;
  if (method === "POST" && parts.length === 6) return { handler: registerVersion as TRoute, params: { name: parts[4] } };
  if (method === "GET" && parts.length === 7) return { handler: showVersion as TRoute, params: { name: parts[4], version: parts[6] } };
  return null;
}

const cli = (...args: string[]) => runCli(args);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "oversight-byo-cli-"));
  await seedDemo(db);
  const key = await createApiKey(db, { name: "byo cli", scopes: ["predict", "registry", "read"], modelIds: null, createdBy: null });
  apiKey = key.key;
  const principal = { kind: "api_key" as const, id: key.id, label: "API key byo cli" };
  for (const slug of ["zipmap-int", "zipmap-strings", "tree-cli"])
    await createModel(db, principal, {
      slug,
      displayName: slug,
      description: "Brought as exported.",
      riskTier: "low",
      useCase: "Triage",
      owner: "scientist@oversight.test",
    });
  server = http.createServer(async (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const url = new URL(incoming.url ?? "/", "http://localhost");
    const route = routeOf(incoming.method ?? "GET", url.pathname);
    if (!route) {
      outgoing.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "no such route in this test" }));
      return;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === "string") headers.set(name, value);
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const response = await route.handler(new Request(url, { method: incoming.method, headers, body }), {
      params: Promise.resolve(route.params),
    });
    outgoing.writeHead(response.status, Object.fromEntries(response.headers.entries())).end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.env.OVERSIGHT_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.OVERSIGHT_API_KEY = apiKey;
  worker = await startWorkerProcess({ databaseUrl: inject("databaseUrl") });

  files.card = writeFile(
    "card.json",
    JSON.stringify({
      intendedUse: "Flag aspirates for a second reading.",
      outOfScopeUses: "Diagnosis without a pathologist.",
      limitations: "Synthetic reference data.",
      ethicalConsiderations: "A missed malignancy costs more than a second reading.",
      caveatsAndRecommendations: "Review every flag.",
      trainingData: { datasetName: "synthetic aspirates", source: "this test" },
    }),
  );
}, 120_000);

afterAll(async () => {
  delete process.env.OVERSIGHT_URL;
  delete process.env.OVERSIGHT_API_KEY;
  await worker?.stop();
  await new Promise((resolve) => server?.close(resolve));
  await closeAppDatabase();
  await close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

type TShown = {
  version: string;
  status: string;
  gates: Array<{ name: string; status: string; value: number | null; threshold: number | null; reason: string }>;
};
const gateOf = (shown: TShown, name: string) => shown.gates.find((gate) => gate.name === name)!;

async function predict(slug: string, versionId: string, sample: number[][]) {
  await db.$client`update model_versions set status = 'champion' where id = ${versionId}`;
  await db.$client`update deployments d set champion_version_id = ${versionId}, mode = 'off', revision = revision + 1
    from models m where m.id = d.model_id and m.slug = ${slug}`;
  const instances = sample.map((row) => Object.fromEntries(FEATURES.map((name, index) => [name, row[index]])));
  const call = () =>
    fetch(`${worker.url}/api/v1/models/${slug}/predict`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ instances }),
    });
  // The worker applies the deployment on its NOTIFY, within a second.
  await expect.poll(async () => (await call()).status, { timeout: 10_000, interval: 200 }).toBe(200);
  return ((await (await call()).json()) as { predictions: Array<{ probability: number; label: string; role: string }> }).predictions;
}

describe("a ZipMap model with int64 class labels (python3-onnx), registered from a labelled CSV with --wait --json", () => {
  let run: TCliRun;
  let unzipped: Array<[number, number]> = [];
  const spec = { weights: WEIGHTS, bias: BIAS, labels: [0, 1] };

  beforeAll(async () => {
    files.zipInt = buildWithPython("zipmap-int.onnx", { kind: "linear_zipmap", ...spec });
    files.plainInt = buildWithPython("linear-int.onnx", { kind: "linear", ...spec });
    files.referenceInt = writeFile(
      "reference-int.csv",
      csvOf(
        [...FEATURES, "target"],
        rows.map((row, index) => [...row, positives[index]]),
      ),
    );
    unzipped = await runtimeProbabilities(files.plainInt, "probabilities");
    run = await cli(
      "versions",
      "register",
      "--model",
      "zipmap-int",
      "--version",
      "1.0.0",
      "--onnx",
      files.zipInt,
      "--reference",
      files.referenceInt,
      "--label-column",
      "target",
      "--positive-class",
      "1",
      "--card",
      files.card,
      "--wait",
      "--json",
    );
  }, 120_000);

  it("exits 0 with the version validated and gates equal to figures computed from onnxruntime's un-zipped probabilities", () => {
    expect(run.stderr.trim()).toMatch(/^Changed at registration: Removed the ZipMap node 'ZipMap'/);
    expect(run.code).toBe(0);
    const shown = JSON.parse(run.stdout) as TShown;
    expect(Object.keys(shown)).toEqual(["version", "status", "gates"]);
    expect([shown.version, shown.status]).toEqual(["1.0.0", "validated"]);
    const scores = unzipped.map(([, positive]) => positive);
    expect(gateOf(shown, "performance_roc_auc").value).toBeCloseTo(mannWhitneyAuc(positives, scores), 12);
    expect(gateOf(shown, "calibration_error").value).toBeCloseTo(expectedCalibrationError(positives, scores), 12);
    expect(gateOf(shown, "fairness").status).toBe("not_applicable");
    for (const gate of shown.gates) expect(Object.keys(gate)).toEqual(["name", "status", "value", "threshold", "reason"]);
  });

  it("stores the rewritten artifact with its own sha256 beside the uploaded file's, and the card says what changed and why", async () => {
    const uploaded = createHash("sha256").update(fs.readFileSync(files.zipInt)).digest("hex");
    const [row] = await db.$client`select a.sha256, a.original_sha256, v.output_schema from model_versions v
      join artifacts a on a.sha256 = v.artifact_sha256 join models m on m.id = v.model_id where m.slug = 'zipmap-int'`;
    expect(row.original_sha256).toBe(uploaded);
    expect(row.sha256).not.toBe(uploaded);
    expect(row.output_schema).toMatchObject({ probabilityOutput: "output_probability", classLabels: ["0", "1"], positiveLabel: "1" });
    const response = await exportCard(
      new Request("http://localhost/api/v1/models/zipmap-int/versions/1.0.0/card?format=md", {
        headers: { authorization: `Bearer ${apiKey}` },
      }),
      { params: Promise.resolve({ name: "zipmap-int", version: "1.0.0" }) },
    );
    const markdown = await response.text();
    expect(markdown).toContain(`Uploaded file sha256: \`${uploaded}\`, rewritten at registration:`);
    expect(markdown).toContain(
      "Removed the ZipMap node 'ZipMap' at registration: onnxruntime-node cannot return its sequence of maps. Its input 'probabilities', " +
        "the class probabilities as a float tensor [N, 2] in class order '0', '1', now leaves the graph as 'output_probability'.",
    );
  });

  it("refuses the same file as a new version, naming the version (exit 2: the upload was refused)", async () => {
    const again = await cli(
      "versions",
      "register",
      "--model",
      "zipmap-int",
      "--version",
      "1.0.1",
      "--onnx",
      files.zipInt,
      "--reference",
      files.referenceInt,
      "--label-column",
      "target",
      "--positive-class",
      "1",
      "--json",
    );
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^409 This ONNX file \(sha256 [0-9a-f]{12}…\) is already registered as zipmap-int 1\.0\.0/);
  }, 120_000);

  it("serves, once champion, onnxruntime's probabilities of the un-zipped tensor", async () => {
    const [version] = await db.$client`select v.id from model_versions v join models m on m.id = v.model_id where m.slug = 'zipmap-int'`;
    const predictions = await predict("zipmap-int", version.id as string, rows.slice(0, 25));
    predictions.forEach((prediction, index) => {
      expect(Math.abs(prediction.probability - unzipped[index][1])).toBeLessThan(1e-7);
      expect(prediction.label).toBe(unzipped[index][1] >= 0.5 ? "1" : "0");
    });
  });
});

describe("a ZipMap model with string class labels and a sensitive attribute", () => {
  const spec = { weights: WEIGHTS, bias: BIAS, labels: ["benign", "malignant"] };
  let run: TCliRun;
  let unzipped: Array<[number, number]> = [];

  beforeAll(async () => {
    files.zipStrings = buildWithPython("zipmap-strings.onnx", { kind: "linear_zipmap", ...spec });
    files.plainStrings = buildWithPython("linear-strings.onnx", { kind: "linear", ...spec });
    files.referenceStrings = writeFile(
      "reference-strings.csv",
      csvOf(
        ["sex", ...FEATURES, "diagnosis"],
        rows.map((row, index) => [sexes[index], ...row, positives[index] ? "malignant" : "benign"]),
      ),
    );
    unzipped = await runtimeProbabilities(files.plainStrings, "probabilities");
    run = await cli(
      "versions",
      "register",
      "--model",
      "zipmap-strings",
      "--version",
      "2.0.0",
      "--onnx",
      files.zipStrings,
      "--reference",
      files.referenceStrings,
      "--label-column",
      "diagnosis",
      "--positive-class",
      "malignant",
      "--sensitive",
      "sex",
      "--card",
      files.card,
      "--wait",
      "--json",
      "--save-schema",
      path.join(dir, "strings-schema.json"),
    );
  }, 120_000);

  it("infers the sensitive column as context, reads the classes from the model and judges fairness by it", () => {
    const schema = JSON.parse(fs.readFileSync(path.join(dir, "strings-schema.json"), "utf8"));
    expect(schema.inputSchema.features.map((feature: { name: string; modelInput: boolean }) => [feature.name, feature.modelInput])).toEqual(
      [...FEATURES.map((name) => [name, true]), ["sex", false]],
    );
    expect(schema.outputSchema).toMatchObject({
      classLabels: ["benign", "malignant"],
      positiveLabel: "malignant",
      negativeLabel: "benign",
    });
    const shown = JSON.parse(run.stdout) as TShown;
    expect(run.code).toBe(shown.status === "validated" ? 0 : 1);
    expect(gateOf(shown, "fairness")).toBeUndefined(); // judged per attribute instead
    expect(["passed", "failed"]).toContain(gateOf(shown, "fairness_sex").status);
    const scores = unzipped.map(([, malignant]) => malignant);
    expect(gateOf(shown, "performance_roc_auc").value).toBeCloseTo(mannWhitneyAuc(positives, scores), 12);
    expect(gateOf(shown, "calibration_error").value).toBeCloseTo(expectedCalibrationError(positives, scores), 12);
  });

  it("shows the same with versions show --json", async () => {
    const shown = await cli("versions", "show", "--model", "zipmap-strings", "--version", "2.0.0", "--json");
    expect([shown.code, JSON.parse(shown.stdout)]).toEqual([0, JSON.parse(run.stdout)]);
  }, 120_000);

  it("serves P(malignant), onnxruntime's column of the class the model names 'malignant'", async () => {
    const [version] =
      await db.$client`select v.id from model_versions v join models m on m.id = v.model_id where m.slug = 'zipmap-strings'`;
    const predictions = await predict("zipmap-strings", version.id as string, rows.slice(0, 25));
    predictions.forEach((prediction, index) => expect(Math.abs(prediction.probability - unzipped[index][1])).toBeLessThan(1e-7));
  });
});

describe("a TreeEnsembleClassifier through the CLI", () => {
  // x0 ≤ 0 → (x2 ≤ 0.5 → 0.15 | 0.55), else (x1 ≤ −0.3 → 0.7 | 0.9)
  const tree: TDecisionTree = {
    feature: 0,
    threshold: 0,
    below: { feature: 2, threshold: 0.5, below: { probability: 0.15 }, above: { probability: 0.55 } },
    above: { feature: 1, threshold: -0.3, below: { probability: 0.7 }, above: { probability: 0.9 } },
  };
  const leafOf = (row: number[]) => (row[0] <= 0 ? (row[2] <= 0.5 ? 0.15 : 0.55) : row[1] <= -0.3 ? 0.7 : 0.9);

  it("validates with gates equal to figures computed from the tree's leaves by hand, and exits 0", async () => {
    files.tree = path.join(dir, "tree.onnx");
    fs.writeFileSync(files.tree, writeDecisionTreeClassifierOnnx({ width: FEATURES.length, tree }));
    const labels = rows.map((row) => (random.uniform() < leafOf(row) ? 1 : 0));
    files.referenceTree = writeFile(
      "reference-tree.csv",
      csvOf(
        ["id", ...FEATURES, "target"],
        rows.map((row, index) => [index, ...row, labels[index]]),
      ),
    );
    const done = await cli(
      "versions",
      "register",
      "--model",
      "tree-cli",
      "--version",
      "0.1.0",
      "--onnx",
      files.tree,
      "--reference",
      files.referenceTree,
      "--label-column",
      "target",
      "--positive-class",
      "1",
      "--context",
      "id",
      "--card",
      files.card,
      "--wait",
      "--json",
    );
    const shown = JSON.parse(done.stdout) as TShown;
    // Leaf probabilities as float32, as the runtime returns them.
    const scores = rows.map((row) => Math.fround(leafOf(row)));
    expect(gateOf(shown, "performance_roc_auc").value).toBeCloseTo(mannWhitneyAuc(labels, scores), 12);
    expect(gateOf(shown, "calibration_error").value).toBeCloseTo(expectedCalibrationError(labels, scores), 12);
    expect([done.code, shown.status]).toEqual(
      shown.gates.every((gate) => gate.status !== "failed") ? [0, "validated"] : [1, "validation_failed"],
    );
  }, 120_000);

  it("exits 1 when a gate fails: the same tree upside down ranks the classes the wrong way", async () => {
    const flip = (node: TDecisionTree): TDecisionTree =>
      "probability" in node ? { probability: 1 - node.probability } : { ...node, below: flip(node.below), above: flip(node.above) };
    const upsideDown = path.join(dir, "tree-upside-down.onnx");
    fs.writeFileSync(upsideDown, writeDecisionTreeClassifierOnnx({ width: FEATURES.length, tree: flip(tree) }));
    const done = await cli(
      "versions",
      "register",
      "--model",
      "tree-cli",
      "--version",
      "0.2.0",
      "--onnx",
      upsideDown,
      "--reference",
      files.referenceTree,
      "--label-column",
      "target",
      "--positive-class",
      "1",
      "--context",
      "id",
      "--card",
      files.card,
      "--wait",
      "--json",
    );
    const shown = JSON.parse(done.stdout) as TShown;
    expect([done.code, shown.status, gateOf(shown, "performance_roc_auc").status]).toEqual([1, "validation_failed", "failed"]);
    expect(done.stderr).toContain("tree-cli 0.2.0 failed validation.");
  }, 120_000);

  it("exits 2 on bad input, naming the option, before anything is sent", async () => {
    const done = await cli(
      "versions",
      "register",
      "--model",
      "tree-cli",
      "--version",
      "0.3.0",
      "--onnx",
      files.tree,
      "--reference",
      files.referenceTree,
      "--label-column",
      "target",
      "--positive-class",
      "yes",
      "--context",
      "id",
    );
    expect(done.code).toBe(2);
    expect(done.stderr.trim()).toBe("--positive-class: the positive class 'yes' is not one of the classes '0', '1' the model names");
    const wide = await cli(
      "versions",
      "register",
      "--model",
      "tree-cli",
      "--version",
      "0.3.0",
      "--onnx",
      files.tree,
      "--reference",
      files.referenceTree,
      "--label-column",
      "target",
      "--positive-class",
      "1",
    );
    expect(wide.code).toBe(2);
    expect(wide.stderr).toContain("--reference: the model's input 'features' takes 4 features, but the CSV has 5 columns");
    const [count] =
      await db.$client`select count(*)::int as n from model_versions v join models m on m.id = v.model_id where m.slug = 'tree-cli'`;
    expect(count.n).toBe(2);
  }, 120_000);
});

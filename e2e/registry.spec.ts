import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { distinctDemoOnnx, distinctDemoOnnxFile, expect, nextDemoVersion, signInAs, test } from "./fixtures";

const demo = path.resolve("scripts/demo");
const run = promisify(execFile);

test("a scientist registers a version in the browser, with upload progress, and reads its complete card", async ({ page, sql }) => {
  await signInAs(page, "scientist");
  await page.goto("/models/credit-default");
  await page.getByRole("link", { name: "Register a version" }).click();
  // The form proposes the next minor version after the latest one.
  const version = await page.getByLabel("Version", { exact: true }).inputValue();
  expect(version).toMatch(/^\d+\.\d+\.0$/);
  await page
    .getByLabel("ONNX file")
    .setInputFiles({ name: "credit-default.onnx", mimeType: "application/octet-stream", buffer: distinctDemoOnnx("browser") });
  await page.getByLabel("Reference data (CSV, optional)").setInputFiles(path.join(demo, "data/credit-reference.csv"));
  // A slow uplink (real browser throttling), so the upload takes long enough to watch its progress.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 120 * 1024 });
  await page.getByRole("button", { name: "Register version" }).click();
  await expect(page.getByRole("progressbar", { name: "Upload progress" })).toBeVisible();
  await expect(page.getByRole("heading", { name: `Credit default risk ${version}` })).toBeVisible({ timeout: 20_000 });
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

  await expect(page.getByRole("status", { name: "Card completeness" })).toContainText("Card completeness 100 %");
  for (const section of [
    "Model details",
    "Intended use",
    "Factors",
    "Metrics",
    "Evaluation data",
    "Training data",
    "Quantitative analyses",
    "Ethical considerations",
    "Caveats and recommendations",
  ]) {
    await expect(page.getByRole("region", { name: section })).toBeVisible();
  }
  const [stored] =
    await sql`select v.reference_profile->'rowCount' as rows, u.email from model_versions v join users u on u.id = v.registered_by where v.version = ${version}`;
  expect(stored).toEqual({ rows: 2000, email: "scientist@oversight.test" });
  // The worker validates every new version by itself; the demo version passes every gate.
  await expect
    .poll(async () => (await sql`select status from model_versions where version = ${version}`)[0].status, { timeout: 15_000 })
    .toBe("validated");

  const markdown = await page.request.get(`/api/v1/models/credit-default/versions/${version}/card?format=md`);
  expect(markdown.headers()["content-type"]).toContain("text/markdown");
  expect(await markdown.text()).toContain(`# Model card: Credit default risk ${version}`);
  const json = await (await page.request.get(`/api/v1/models/credit-default/versions/${version}/card?format=json`)).json();
  expect(json.model_details.version.name).toBe(version);
  expect(json.completeness.score).toBe(1);
});

test("a version registered through the CLI appears with its card", async ({ page, sql }) => {
  const version = await nextDemoVersion(sql);
  const env = { ...process.env, OVERSIGHT_URL: process.env.E2E_BASE_URL, OVERSIGHT_API_KEY: process.env.E2E_API_KEY };
  const { stdout } = await run(
    process.execPath,
    [
      "--import",
      "tsx",
      "scripts/cli.ts",
      "versions",
      "register",
      "--model",
      "credit-default",
      "--version",
      version,
      "--onnx",
      distinctDemoOnnxFile("cli"),
      "--schema",
      path.join(demo, "credit-default.schema.json"),
      "--reference",
      path.join(demo, "data/credit-reference.csv"),
      "--card",
      path.join(demo, "models/credit-default-1.1.0.card.json"),
    ],
    { env },
  );
  expect(stdout).toContain(`Registered credit-default ${version} (registered)`);
  const [row] = await sql`select count(*)::int as count from model_versions where version = ${version}`;
  expect(row.count).toBe(1);

  await signInAs(page, "committee");
  await page.goto(`/models/credit-default/versions/${version}`);
  await expect(page.getByRole("status", { name: "Card completeness" })).toContainText("100 %");
});

test("a committee member reads the registry but cannot register", async ({ page }) => {
  await signInAs(page, "committee");
  await page.goto("/models/credit-default");
  await expect(page.getByRole("table", { name: "Versions" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Register a version" })).toHaveCount(0);
  await page.goto("/models/credit-default/register");
  await expect(page.getByRole("heading", { name: "403 — Not allowed" })).toBeVisible();
  const response = await page.request.post("/api/v1/models/credit-default/versions", { multipart: { metadata: "{}" } });
  expect(response.status()).toBe(403);
});

test("a file that is not ONNX is refused in the browser and nothing is stored", async ({ page, sql }) => {
  const [before] = await sql`select count(*)::int as count from model_versions`;
  await signInAs(page, "scientist");
  await page.goto("/models/credit-default/register");
  await page.getByLabel("Version", { exact: true }).fill(await nextDemoVersion(sql));
  await page
    .getByLabel("ONNX file")
    .setInputFiles({ name: "model.onnx", mimeType: "application/octet-stream", buffer: Buffer.from("definitely not a protobuf") });
  await page.getByRole("button", { name: "Register version" }).click();
  await expect(page.getByRole("alert", { name: "Registration error" })).toContainText(
    "load: the file is not an ONNX model onnxruntime can load",
  );
  const [after] = await sql`select count(*)::int as count from model_versions`;
  expect(after.count).toBe(before.count);
});

test("a scientist creates and edits a model; both are audited", async ({ page, sql }) => {
  await signInAs(page, "scientist");
  await page.getByRole("link", { name: "New model" }).click();
  await page.getByLabel("Name (slug)").fill("fraud-score");
  await page.getByLabel("Display name").fill("Card fraud score");
  await page.getByLabel("Risk tier").selectOption("high");
  await page.getByRole("button", { name: "Create model" }).click();
  await expect(page.getByRole("heading", { name: "Card fraud score" })).toBeVisible();
  await expect(page.getByText("No versions yet")).toBeVisible();

  await page.getByRole("link", { name: "Edit" }).click();
  await page.getByLabel("Display name").fill("Card-not-present fraud score");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("heading", { name: "Card-not-present fraud score" })).toBeVisible();

  const records =
    await sql`select action, input from audit_records a join models m on m.id = a.model_id where m.slug = 'fraud-score' order by sequence`;
  expect(records.map((record) => record.action)).toEqual(["registry.model_created", "registry.model_edited"]);
  expect(records[1].input).toEqual({ before: { displayName: "Card fraud score" }, after: { displayName: "Card-not-present fraud score" } });

  await page.goto("/models/new");
  await page.getByLabel("Name (slug)").fill("fraud-score");
  await page.getByLabel("Display name").fill("Duplicate");
  await page.getByRole("button", { name: "Create model" }).click();
  await expect(page.getByRole("alert", { name: "Model error" })).toContainText("A model named 'fraud-score' already exists.");
});

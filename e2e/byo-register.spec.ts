import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, signInAs, test } from "./fixtures";

/*
 * Bring your own model in the browser: a scikit-learn-style export with ZipMap (built by Debian's
 * python3-onnx, scripts/testing/onnx_fixtures.py) and a labelled CSV with feature names as the data
 * has them; the schema is proposed from the two files, reviewed in the table, and registered.
 */

const FEATURES = ["mean radius", "mean texture", "worst area"];

test("a scientist uploads a ZipMap model, reviews the proposed schema and registers it", async ({ page, sql }) => {
  test.setTimeout(120_000); // python3-onnx builds the file and the machine is shared
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oversight-e2e-byo-"));
  const onnx = path.join(dir, "triage.onnx");
  execFileSync("/usr/bin/python3", [
    path.resolve("scripts/testing/onnx_fixtures.py"),
    onnx,
    JSON.stringify({ kind: "linear_zipmap", weights: [1.2, -0.7, 0.9], bias: 0.1, labels: ["benign", "malignant"] }),
  ]);
  const rows = Array.from({ length: 60 }, (_, i) => [((i * 37) % 23) / 10 - 1, ((i * 11) % 17) / 10 - 0.8, ((i * 7) % 13) / 6 - 1]);
  const csv = path.join(dir, "reference.csv");
  fs.writeFileSync(
    csv,
    [
      [...FEATURES.map((name) => `"${name}"`), "diagnosis"].join(","),
      ...rows.map((row, i) => [...row, (i * 5) % 7 < 3 ? "malignant" : "benign"].join(",")),
    ].join("\n") + "\n",
  );

  await signInAs(page, "scientist");
  await page.goto("/models/new");
  await page.getByLabel("Name (slug)").fill("aspirate-triage");
  await page.getByLabel("Display name").fill("Aspirate triage");
  await page.getByLabel("Risk tier").selectOption("low");
  await page.getByRole("button", { name: "Create model" }).click();
  await expect(page.getByRole("heading", { name: "Aspirate triage" })).toBeVisible();
  await page.goto("/models/aspirate-triage/register");
  await page.getByLabel("ONNX file").setInputFiles(onnx);
  await page.getByLabel("Reference data (CSV, optional)").setInputFiles(csv);
  await page.getByLabel("Label column").fill("diagnosis");
  await page.getByLabel("Positive class").fill("malignant");
  await page.getByRole("button", { name: "Propose the schema from the files" }).click();

  const table = page.getByRole("table", { name: "Input schema" });
  await expect(table.getByRole("row")).toHaveCount(1 + FEATURES.length);
  for (const name of FEATURES) await expect(page.getByLabel(`${name} is a model input`)).toBeChecked();
  await expect(page.getByLabel("Schema proposal")).toContainText("registration removes it");
  await expect(page.getByLabel("Classes")).toContainText("benign, malignant");
  await page.screenshot({ path: "test-results/byo-register-schema.png", fullPage: true });

  await page.getByRole("button", { name: "Register version" }).click();
  await expect(page.getByRole("heading", { name: "Aspirate triage 1.0.0" })).toBeVisible({ timeout: 20_000 });
  const [row] = await sql`select v.output_schema, a.original_sha256 from model_versions v join models m on m.id = v.model_id
    join artifacts a on a.sha256 = v.artifact_sha256 where m.slug = 'aspirate-triage'`;
  expect(row.output_schema).toMatchObject({
    probabilityOutput: "output_probability",
    classLabels: ["benign", "malignant"],
    positiveLabel: "malignant",
  });
  expect(row.original_sha256).toMatch(/^[0-9a-f]{64}$/);
  fs.rmSync(dir, { recursive: true, force: true });
});

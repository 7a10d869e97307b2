import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "@playwright/test";
import { DEMO_PASSWORD, expect, signInAs, test } from "./fixtures";

/*
 * Bring your own model in the browser, from file to champion: a scikit-learn-style export with
 * ZipMap (built by Debian's python3-onnx, scripts/testing/onnx_fixtures.py, not by Oversight's
 * writer) and a labelled CSV with feature names as the data has them and no sensitive attribute.
 * The schema is proposed from the two files and reviewed in the table; the version validates
 * with the fairness gate not_applicable; the tier's policy (set here by the admin) asks for the
 * requester's justification, which the two committee members see before they approve; it is
 * promoted and the worker answers with the model's own probability.
 */

const SLUG = "aspirate-triage";
const FEATURES = ["mean radius", "mean texture", "worst area"];
const WEIGHTS = [1.6, -1.1, 1.3];
const BIAS = 0.2;
const JUSTIFICATION = "Aspirate measurements carry no protected attribute; outcomes are audited by age band every month.";

/** P(malignant) of ai.onnx.ml LinearClassifier with post_transform LOGISTIC: 1 / (1 + e^−(w·x + b)) (ONNX-ML operator spec). */
const logistic = (row: number[]) => 1 / (1 + Math.exp(-(row.reduce((sum, x, i) => sum + x * WEIGHTS[i], 0) + BIAS)));

/**
 * Reference rows and labels the model is calibrated on: rows from a fixed LCG, labels by error
 * diffusion over the rows sorted by probability (each run of rows holds Σp ± 1 positives), so the
 * medium tier's ROC AUC and calibration gates pass on 400 rows without random noise.
 */
function referenceData(): { rows: number[][]; labels: string[] } {
  let seed = 12345;
  const uniform = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 4 - 2;
  const rows = Array.from({ length: 400 }, () => FEATURES.map(() => Number(uniform().toFixed(4))));
  const labels: string[] = new Array(rows.length);
  let carry = 0;
  for (const index of rows.map((_, i) => i).sort((a, b) => logistic(rows[a]) - logistic(rows[b]))) {
    carry += logistic(rows[index]);
    labels[index] = carry >= 0.5 ? "malignant" : "benign";
    if (carry >= 0.5) carry -= 1;
  }
  return { rows, labels };
}

async function act(page: Page, version: string, label: string, fields: { reason?: string; reasonLabel?: RegExp } = {}) {
  await page
    .getByRole("group", { name: `Actions for ${version}` })
    .getByRole("button", { name: label, exact: true })
    .click();
  const dialog = page.getByRole("dialog");
  if (fields.reason !== undefined) await dialog.getByLabel(fields.reasonLabel ?? /^Reason/).fill(fields.reason);
  await dialog.getByRole("button", { name: `Confirm: ${label.toLowerCase()}` }).click();
  await expect(dialog).toBeHidden();
}

test("a scientist brings a ZipMap model without a sensitive attribute from file to champion", async ({ page, sql }) => {
  test.setTimeout(240_000); // python3-onnx builds the file, the worker validates, two members vote; the machine is shared
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oversight-e2e-byo-"));
  const onnx = path.join(dir, "triage.onnx");
  execFileSync("/usr/bin/python3", [
    path.resolve("scripts/testing/onnx_fixtures.py"),
    onnx,
    JSON.stringify({ kind: "linear_zipmap", weights: WEIGHTS, bias: BIAS, labels: ["benign", "malignant"] }),
  ]);
  const { rows, labels } = referenceData();
  const csv = path.join(dir, "reference.csv");
  fs.writeFileSync(
    csv,
    [[...FEATURES.map((name) => `"${name}"`), "diagnosis"].join(","), ...rows.map((row, i) => [...row, labels[i]].join(","))].join("\n") +
      "\n",
  );

  // The admin makes the medium tier accept a fairness gate that cannot apply only with a justification.
  const [storedPolicy] = await sql`select policy from governance_policies where risk_tier = 'medium'`;
  try {
    await signInAs(page, "admin");
    await page.goto("/admin");
    const policyForm = page.getByRole("form", { name: "Policy for medium risk" });
    await policyForm.getByLabel("Fairness gate without a sensitive attribute").selectOption("justify");
    await policyForm.getByRole("button", { name: "Save medium policy" }).click();
    await expect(policyForm.getByText("Policy saved.")).toBeVisible();
    const [policy] = await sql`select policy from governance_policies where risk_tier = 'medium'`;
    expect(policy.policy.fairnessNotApplicable).toBe("justify");

    // The scientist creates the model, names its accountable owner in the edit form, and uploads the files.
    await signInAs(page, "scientist");
    await page.goto("/models/new");
    await page.getByLabel("Name (slug)").fill(SLUG);
    await page.getByLabel("Display name").fill("Aspirate triage");
    await page.getByLabel("Description", { exact: true }).fill("Flags fine-needle aspirates whose measurements suggest malignancy.");
    await page.getByLabel("Risk tier").selectOption("medium");
    await page.getByRole("button", { name: "Create model" }).click();
    await expect(page.getByRole("heading", { name: "Aspirate triage" })).toBeVisible();
    await page.goto(`/models/${SLUG}/edit`);
    await page.getByLabel("Owner (email)").fill("executive@oversight.test");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect
      .poll(async () => (await sql`select u.email from models m join users u on u.id = m.owner_id where m.slug = ${SLUG}`)[0]?.email)
      .toBe("executive@oversight.test");

    await page.goto(`/models/${SLUG}/register`);
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

    // A static public data set: no time range, which the card does not count against it.
    await page.getByLabel("Dataset name").fill("Wisconsin diagnostic aspirates");
    await page.getByLabel("Source", { exact: true }).fill("UCI machine learning repository");
    await page.getByLabel("Offline metrics (JSON)").fill(JSON.stringify({ rocAuc: 0.83, brier: 0.18, accuracy: 0.76 }));
    await page.getByLabel("Intended use").fill("Order aspirates for a second reading by a pathologist.");
    await page.getByLabel("Out-of-scope uses").fill("Diagnosis without a pathologist.");
    await page.getByLabel("Limitations", { exact: true }).fill("Trained on one hospital's aspirates.");
    await page.getByLabel("Ethical considerations").fill("A missed malignancy delays treatment.");
    await page.getByLabel("Caveats and recommendations").fill("Re-validate on each new scanner.");
    await page.getByRole("button", { name: "Register version" }).click();
    await expect(page.getByRole("heading", { name: "Aspirate triage 1.0.0" })).toBeVisible({ timeout: 20_000 });
    const [row] = await sql`select v.id, v.output_schema, a.original_sha256 from model_versions v join models m on m.id = v.model_id
      join artifacts a on a.sha256 = v.artifact_sha256 where m.slug = ${SLUG}`;
    expect(row.output_schema).toMatchObject({
      probabilityOutput: "output_probability",
      classLabels: ["benign", "malignant"],
      positiveLabel: "malignant",
    });
    expect(row.original_sha256).toMatch(/^[0-9a-f]{64}$/);

    // The worker validates it by itself: fairness cannot apply, which does not fail the version.
    await expect
      .poll(async () => (await sql`select status from model_versions where id = ${row.id}`)[0].status, { timeout: 60_000 })
      .toBe("validated");
    const gates = await sql`select g.gate, g.passed, g.evidence->>'gateStatus' as status from gate_results g
      join validation_runs r on r.id = g.validation_run_id where r.model_version_id = ${row.id}`;
    expect(gates.find((gate) => gate.gate === "fairness")).toMatchObject({ passed: true, status: "not_applicable" });
    expect(gates.filter((gate) => !gate.passed)).toEqual([]);
    await page.reload();
    const gateTable = page.getByRole("table", { name: "Gates" });
    await expect(gateTable.getByRole("row", { name: /fairness/ })).toContainText("not applicable");
    await expect(gateTable.getByText("failed")).toHaveCount(0);

    // The validation job stored the global importance: on the card (largest first; |w| orders it for this linear model) and in its JSON.
    const importance = page.getByRole("region", { name: "Global importance" });
    await expect(importance.getByRole("table", { name: "Global importance" }).getByRole("rowheader")).toHaveText([
      "mean radius",
      "worst area",
      "mean texture",
    ]);
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await importance.screenshot({ path: `test-results/byo-importance-card-${width}.png` });
    }
    await page.setViewportSize({ width: 1280, height: 720 });
    const cardJson = await (await page.request.get(`/api/v1/models/${SLUG}/versions/1.0.0/card?format=json`)).json();
    expect(cardJson.oversight.global_importance).toMatchObject({ scale: "probability", method: "exact", rows: 400, background_rows: 50 });

    // Requesting approval asks for the justification; a blank one is not accepted.
    await act(page, "1.0.0", "Request approval", { reason: JUSTIFICATION, reasonLabel: /^Justification/ });
    const approval = page.getByRole("region", { name: "Approval" });
    await expect(approval).toContainText("0 of 2 approvals");
    await expect(approval).toContainText(JUSTIFICATION);

    // Two committee members, neither of whom registered it or asked for its approval, see the justification and approve.
    for (const [email, comment] of [
      ["committee@oversight.test", "The justification holds: no protected attribute in aspirate measurements."],
      ["committee2@oversight.test", "Calibrated on the reference; the monthly age-band audit is the right control."],
    ] as const) {
      const context = await page.context().browser()!.newContext();
      const member = await context.newPage();
      await member.goto("/signin");
      await member.getByLabel("Email").fill(email);
      await member.getByLabel("Password").fill(DEMO_PASSWORD);
      await member.getByRole("button", { name: "Sign in", exact: true }).click();
      await expect(member.getByRole("heading", { name: "Home", level: 1 })).toBeVisible();
      await member.goto(`/models/${SLUG}/versions/1.0.0`);
      const memberApproval = member.getByRole("region", { name: "Approval" });
      await expect(memberApproval).toContainText(`Requester’s justification: “${JUSTIFICATION}”`);
      await member.getByLabel(/^Comment/).fill(comment);
      await member.getByRole("button", { name: "Approve", exact: true }).click();
      await expect(memberApproval.getByRole("list", { name: "Votes" })).toContainText(comment);
      await context.close();
    }
    expect((await sql`select status from model_versions where id = ${row.id}`)[0].status).toBe("approved");
    const [requested] =
      await sql`select input from audit_records where action = 'governance.approval_requested' and subject_id = ${row.id}`;
    expect(requested.input.justification).toBe(JUSTIFICATION);

    // The medium tier requires no stage before promotion: the committee promotes it and the worker answers with it.
    await signInAs(page, "committee");
    await page.goto(`/models/${SLUG}`);
    await act(page, "1.0.0", "Promote");
    await expect(page.getByRole("region", { name: "Deployment" })).toContainText("1.0.0");
    const instance = { "mean radius": 0.75, "mean texture": -0.4, "worst area": 1.1 };
    const predict = async () => {
      const response = await fetch(`${process.env.E2E_WORKER_URL}/api/v1/models/${SLUG}/predict`, {
        method: "POST",
        headers: { authorization: `Bearer ${process.env.E2E_API_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ instances: [instance] }),
      });
      return (await response.json()) as { predictions?: Array<{ probability: number; label: string; modelVersion: string }> };
    };
    await expect.poll(async () => (await predict()).predictions?.[0]?.modelVersion, { timeout: 5_000 }).toBe("1.0.0");
    const [answer] = (await predict()).predictions!;
    // onnxruntime computes in float32: agreement to 1e-6 with the double-precision closed form.
    expect(Math.abs(answer.probability - logistic(FEATURES.map((name) => instance[name as keyof typeof instance])))).toBeLessThan(1e-6);
    expect(answer.label).toBe("malignant");

    // The monitoring page shows the champion's reference importance, with the traffic figure beside it once the worker has one.
    await page.goto(`/models/${SLUG}/monitoring`);
    const monitored = page.getByRole("region", { name: "Global importance of the champion 1.0.0" });
    await expect(monitored.getByRole("table", { name: "Global importance" }).getByRole("rowheader")).toHaveCount(FEATURES.length);
    await expect(monitored).toContainText("No production traffic explained yet");
    // The worker's importance job runs every 15 minutes (its figure is checked in workers/jobs/global-importance.int.test.ts);
    // here a stored traffic figure in which another input leads shows beside the reference, and the page says so.
    await sql`insert into feature_importances (model_version_id, source, method, rows, background_rows, features, window_start, window_end)
      values (${row.id}, 'traffic', 'exact', 120, 50, ${sql.json([
        { feature: "mean radius", meanAbsShapley: 0.05 },
        { feature: "mean texture", meanAbsShapley: 0.21 },
        { feature: "worst area", meanAbsShapley: 0.12 },
      ])}, now() - interval '1 hour', now())`;
    await page.reload();
    await expect(monitored).toContainText("the model now leans most on mean texture, on the reference it was mean radius");
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await monitored.screenshot({ path: `test-results/byo-importance-monitoring-${width}.png` });
    }
  } finally {
    if (storedPolicy) await sql`update governance_policies set policy = ${sql.json(storedPolicy.policy)} where risk_tier = 'medium'`;
    else await sql`delete from governance_policies where risk_tier = 'medium'`;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

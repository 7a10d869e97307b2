import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueValidation } from "@/db/queries/governance";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase, resetDemoDeployment } from "@/scripts/testing/database";
import { finishValidation } from "@/scripts/testing/validation";
import { runNextValidation } from "./validate-version";

const { db, close } = openTestDatabase();
beforeAll(async () => {
  await seedDemo(db);
  await resetDemoDeployment(db);
  // Runs queued by other files (a registration queues one) are done first, so this file's runs are its own.
  while (await runNextValidation(db)) {
    // drain
  }
  // The drift gate compares with recent champion traffic; other files' synthetic traffic is not that.
  await db.$client`delete from predictions where model_id = (select id from models where slug = 'credit-default')`;
});
afterAll(close);

async function versionId(version: string) {
  const [row] =
    await db.$client`select v.id from model_versions v join models m on m.id = v.model_id where m.slug = 'credit-default' and v.version = ${version}`;
  return row.id as string;
}

describe("validation job", () => {
  it("runs every gate on the demo version 1.1.0 and records them, the status and the audit record together", async () => {
    const id = await versionId("1.1.0");
    await db.$client`update model_versions set status = 'registered' where id = ${id}`;
    const runId = await enqueueValidation(db, { versionId: id, requestedBy: null });
    await finishValidation(db, runId);
    expect(await runNextValidation(db)).toBe(false);

    const gates =
      await db.$client`select gate, passed, value, threshold, reason from gate_results where validation_run_id = ${runId} order by gate`;
    expect(gates.map((gate) => gate.gate)).toEqual([
      "calibration_error",
      "card_completeness",
      "drift_vs_champion",
      "fairness_age_band",
      "fairness_sex",
      "performance_roc_auc",
      "smoke_inference",
    ]);
    // The job recomputes AUC from the ONNX model on the 2,000 labelled reference rows: it equals the manifest's figure.
    const manifest = JSON.parse(fs.readFileSync(path.resolve("scripts/demo/models/manifest.json"), "utf8"));
    expect(gates.find((gate) => gate.gate === "performance_roc_auc")!.value).toBeCloseTo(manifest.versions[1].offlineMetrics.rocAuc, 3);
    for (const gate of gates) expect([gate.gate, gate.passed]).toEqual([gate.gate, true]);
    const [version] = await db.$client`select status from model_versions where id = ${id}`;
    expect(version.status).toBe("validated");
    const [run] = await db.$client`select status, finished_at from validation_runs where id = ${runId}`;
    expect(run.status).toBe("passed");
    const [audit] = await db.$client`select action from audit_records where subject_id = ${id} order by sequence desc limit 1`;
    expect(audit.action).toBe("governance.validation_passed");
  });

  it("fails the performance gate of a policy the model cannot meet, and says why", async () => {
    const id = await versionId("1.1.0");
    await db.$client`insert into governance_policies (risk_tier, policy) values ('medium', ${JSON.stringify({
      minRocAuc: 0.95,
      maxCalibrationError: 0.05,
      minDisparateImpact: 0.8,
      maxDriftedFeatureShare: 0.5,
      minCardCompleteness: 0.9,
      requiredApprovals: 2,
      canaryGuard: {
        minRequests: 200,
        maxErrorRateIncrease: 0.01,
        maxLatencyP99Ratio: 2,
        maxConfidenceDrop: 0.05,
        maxPerformanceDrop: 0.02,
      },
    })}::jsonb) on conflict (risk_tier) do update set policy = excluded.policy`;
    try {
      await db.$client`update model_versions set status = 'validation_failed' where id = ${id}`;
      const runId = await enqueueValidation(db, { versionId: id, requestedBy: null });
      await finishValidation(db, runId);
      const [gate] =
        await db.$client`select passed, reason from gate_results where validation_run_id = ${runId} and gate = 'performance_roc_auc'`;
      expect(gate.passed).toBe(false);
      expect(gate.reason).toMatch(/^ROC AUC on the reference data 0\.7\d\d < 0\.95$/);
      const [version] = await db.$client`select status from model_versions where id = ${id}`;
      expect(version.status).toBe("validation_failed");
    } finally {
      await db.$client`delete from governance_policies where risk_tier = 'medium'`;
    }
  });
});

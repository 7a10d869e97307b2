import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/db/queries/api-keys";
import { getCardSource } from "@/db/queries/cards";
import { assembleModelCard, computeCardCompleteness } from "@/lib/model-card";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase } from "@/scripts/testing/database";
import { createModel } from "./models";
import { registerModelVersion } from "./registry";

/*
 * `card` in the registration metadata (what POST /api/v1/models/{name}/versions and the CLI's
 * --card send) may be a Model Card Toolkit JSON card: the demo version's exported card is
 * registered with a new version of another model and gives it the same card text, training data
 * and metrics. The model is a LinearClassifier built by Debian's python3-onnx.
 */

const { db, close } = openTestDatabase();
let principal: { kind: "api_key"; id: string; label: string; scopes: string[]; modelIds: null };

beforeAll(async () => {
  await seedDemo(db);
  const key = await createApiKey(db, { name: "mct card", scopes: ["registry"], modelIds: null, createdBy: null });
  principal = { kind: "api_key", id: key.id, label: "API key mct card", scopes: ["registry"], modelIds: null };
  await createModel(db, principal, {
    slug: "mct-card-import",
    displayName: "MCT card import",
    description: "Registered with a toolkit card.",
    riskTier: "low",
    useCase: "Tests",
    owner: "scientist@oversight.test",
  });
}, 60_000);
afterAll(close);

describe("registration with a Model Card Toolkit card", () => {
  it("stores the card text, training data and metrics the toolkit card holds", async () => {
    const demo = (await getCardSource(db, "credit-default", "1.1.0"))!;
    const exported = JSON.parse(JSON.stringify({ ...assembleModelCard(demo), completeness: {} }));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oversight-mct-"));
    const onnx = path.join(dir, "model.onnx");
    execFileSync("/usr/bin/python3", [
      path.resolve("scripts/testing/onnx_fixtures.py"),
      onnx,
      JSON.stringify({ kind: "linear", weights: [0.5, -0.25], bias: 0.1, labels: [0, 1] }),
    ]);
    const artifact = new Uint8Array(fs.readFileSync(onnx));
    fs.rmSync(dir, { recursive: true, force: true });
    await registerModelVersion({
      db,
      principal,
      modelSlug: "mct-card-import",
      metadata: {
        version: "1.0.0",
        inputSchema: {
          features: [
            { name: "a", type: "numeric" },
            { name: "b", type: "numeric" },
          ],
        },
        outputSchema: {
          probabilityOutput: "probabilities",
          classLabels: ["0", "1"],
          positiveLabel: "1",
          negativeLabel: "0",
          threshold: 0.5,
        },
        card: exported,
      },
      artifact,
      referenceCsv: null,
    });
    const stored = (await getCardSource(db, "mct-card-import", "1.0.0"))!;
    expect(stored.version.card).toEqual(demo.version.card);
    expect(stored.version.trainingData).toEqual(demo.version.trainingData);
    expect(stored.version.offlineMetrics).toEqual(demo.version.offlineMetrics);
    expect(stored.version.hyperparameters).toEqual({ algorithm: demo.version.hyperparameters.algorithm });
    // Everything but the evaluation data (no reference was registered) is complete, as on the demo's card.
    expect(computeCardCompleteness(assembleModelCard(stored)).missing.map((item) => item.section)).toEqual(["Evaluation data"]);
  });
});

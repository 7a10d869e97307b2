import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import bcrypt from "bcryptjs";
import { appendAuditRecord } from "@/db/audit";
import type { TDatabase } from "@/db/connection";
import { createApiKey } from "@/db/queries/api-keys";
import { enqueueValidation } from "@/db/queries/governance";
import { insertArtifactIfAbsent, insertDeployment, insertModel, insertModelVersion } from "@/db/queries/registry";
import { getUserCredentialsByEmail } from "@/db/queries/users";
import { insertUser } from "@/db/writes/users";
import { runNextValidation } from "@/workers/jobs/validate-version";
import Papa from "papaparse";
import { seedDemoKpis } from "./demo-kpis";
import { buildReferenceProfile, parseReferenceRecords, ZInputSchema, ZOutputSchema } from "@/lib/registry";
import type { TRole } from "@/lib/roles";

export const DEMO_PASSWORD = "oversight-demo";

export const DEMO_USERS: Array<{ email: string; name: string; roles: TRole[] }> = [
  { email: "admin@oversight.test", name: "Ada Admin", roles: ["admin"] },
  { email: "scientist@oversight.test", name: "Sam Scientist", roles: ["scientist"] },
  { email: "committee@oversight.test", name: "Chris Committee", roles: ["committee"] },
  { email: "committee2@oversight.test", name: "Dana Committee", roles: ["committee"] },
  { email: "analyst@oversight.test", name: "Alex Analyst", roles: ["analyst"] },
  { email: "executive@oversight.test", name: "Eve Executive", roles: ["executive"] },
];

const DEMO_DIR = path.resolve("scripts/demo");

type TManifestVersion = {
  version: string;
  onnxFile: string;
  sha256: string;
  trainingData: Record<string, unknown>;
  hyperparameters: Record<string, unknown>;
  offlineMetrics: Record<string, unknown>;
  card: Record<string, unknown>;
};

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(DEMO_DIR, file), "utf8")) as T;
}

function semverParts(version: string) {
  const [major, minor, patch] = version.split(".").map((part) => Number.parseInt(part, 10));
  return { versionMajor: major, versionMinor: minor, versionPatch: patch };
}

/** The reference sample shipped with the demo, as every version's drift and validation baseline. */
function demoReferenceProfile(schema: { inputSchema: Record<string, unknown>; outputSchema: Record<string, unknown> }) {
  const csv = Papa.parse<Record<string, string>>(fs.readFileSync(path.join(DEMO_DIR, "data/credit-reference.csv"), "utf8"), {
    header: true,
    skipEmptyLines: true,
  });
  const outputSchema = ZOutputSchema.parse(schema.outputSchema);
  const parsed = parseReferenceRecords({
    schema: ZInputSchema.parse(schema.inputSchema),
    header: csv.meta.fields ?? [],
    records: csv.data,
    label: outputSchema.labelColumn
      ? { column: outputSchema.labelColumn, positive: outputSchema.positiveLabel, negative: outputSchema.negativeLabel }
      : undefined,
  });
  if (!parsed.ok) throw new Error(`the demo reference data does not match its schema: ${parsed.errors[0].message}`);
  return buildReferenceProfile(parsed, 5_000);
}

/**
 * Seeds the demo once: one user per role, the credit-default model with its two trained
 * versions (1.0.0 champion, 1.1.0 validated by the validation job), and an API key; then tops up the demo KPIs (see demo-kpis.ts).
 * Returns the key in clear text when it made one.
 */
export async function seedDemo(db: TDatabase): Promise<{ seeded: boolean; apiKey: string | null }> {
  const existing = await getUserCredentialsByEmail(db, DEMO_USERS[0].email);
  if (existing) {
    // The KPI window moves with the calendar, so a database seeded earlier still gets recent days.
    await seedDemoKpis(db);
    return { seeded: false, apiKey: null };
  }

  const schema = readJson<{ inputSchema: Record<string, unknown>; outputSchema: Record<string, unknown> }>("credit-default.schema.json");
  const manifest = readJson<{ versions: TManifestVersion[] }>("models/manifest.json");
  const passwordHash = await bcrypt.hash(DEMO_PASSWORD, 12);
  const referenceProfile = demoReferenceProfile(schema);

  const seeded = await db.transaction(async (tx) => {
    const userIds = new Map<string, string>();
    for (const user of DEMO_USERS) {
      userIds.set(user.email, await insertUser(tx, { ...user, passwordHash }));
    }
    const scientistId = userIds.get("scientist@oversight.test")!;
    const audit = (action: string, subjectType: string, subjectId: string, modelId: string | null, input: Record<string, unknown>) =>
      appendAuditRecord(tx, { actorId: null, actorLabel: "system (demo seed)", action, subjectType, subjectId, modelId, input });

    const model = await insertModel(tx, {
      slug: "credit-default",
      displayName: "Credit default risk",
      description: "Probability that a consumer-loan applicant defaults within 12 months; decides approve / refer / decline.",
      ownerId: scientistId,
      riskTier: "medium",
      useCase: "Consumer loan underwriting",
      businessKpi: "12-month default rate of approved loans",
      createdBy: scientistId,
      // What a decision is worth, per dollar lent (scaled by the loan amount): an approved loan that is repaid earns a 6 %
      // net interest margin, one that defaults loses 45 % of its amount (loss given default); a declined one earns and loses nothing.
      // Against approving everyone, the model adds the losses it avoids less the margin it forgoes (lib/cost/value.ts).
      valueMatrix: {
        truePositiveUsd: 0,
        falsePositiveUsd: 0,
        trueNegativeUsd: 0.06,
        falseNegativeUsd: -0.45,
        scaleInput: "loan_amount_usd",
        baseline: "approve_everyone",
      },
      fallbackRules: {
        description: "Refer applicants with high debt-to-income or recent late payments",
        rules: [
          { feature: "debt_to_income", operator: "gte", value: 0.45, probability: 0.7 },
          { feature: "late_payments_2y", operator: "gte", value: 3, probability: 0.7 },
        ],
        defaultProbability: 0.15,
      },
      reviewSettings: { dueHours: 24, claimMinutes: 15, highRiskRules: [{ feature: "loan_amount_usd", operator: "gte", value: 40000 }] },
    });
    await audit("registry.model_created", "model", model.id, model.id, { slug: model.slug, riskTier: model.riskTier });

    const versionIds = new Map<string, string>();
    for (const entry of manifest.versions) {
      const content = fs.readFileSync(path.join(DEMO_DIR, "models", entry.onnxFile));
      const sha256 = createHash("sha256").update(content).digest("hex");
      if (sha256 !== entry.sha256) throw new Error(`${entry.onnxFile} does not match its manifest hash; rerun npm run models:train`);
      await insertArtifactIfAbsent(tx, { sha256, content, signature: {} });
      const version = await insertModelVersion(tx, {
        modelId: model.id,
        version: entry.version,
        ...semverParts(entry.version),
        // The challenger starts registered: the validation job below validates it, so its status has its gates behind it.
        status: entry.version === "1.0.0" ? "champion" : "registered",
        artifactSha256: sha256,
        inputSchema: schema.inputSchema,
        outputSchema: schema.outputSchema,
        trainingData: entry.trainingData,
        hyperparameters: entry.hyperparameters,
        offlineMetrics: entry.offlineMetrics,
        card: entry.card,
        referenceProfile,
        registeredBy: scientistId,
      });
      versionIds.set(entry.version, version.id);
      await audit("registry.version_registered", "model_version", version.id, model.id, { version: entry.version, artifactSha256: sha256 });
    }

    await insertDeployment(tx, {
      modelId: model.id,
      championVersionId: versionIds.get("1.0.0"),
      mode: "off",
      confidenceThreshold: 0.6,
      reviewSampleRate: 0.01,
    });
    await audit("deployment.champion_set", "model", model.id, model.id, { version: "1.0.0" });

    const apiKey = await createApiKey(tx, {
      name: "Demo loan-origination app",
      scopes: ["predict", "outcomes", "registry", "kpis", "read"],
      modelIds: null,
      createdBy: userIds.get("admin@oversight.test")!,
    });
    await audit("admin.api_key_created", "api_key", apiKey.id, null, { name: "Demo loan-origination app" });
    return { seeded: true, apiKey: apiKey.key, challengerVersionId: versionIds.get("1.1.0")! };
  });
  // Run by the real job (before any traffic, as the drift gate compares with the champion's recent predictions).
  await enqueueValidation(db, { versionId: seeded.challengerVersionId, requestedBy: null });
  await runNextValidation(db);
  await seedDemoKpis(db);
  return { seeded: seeded.seeded, apiKey: seeded.apiKey };
}

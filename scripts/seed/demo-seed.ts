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
import { moveDeployment } from "@/db/writes/deployment";
import { castApprovalVote, requestApproval } from "@/db/writes/governance";
import { insertUser } from "@/db/writes/users";
import { DEMO_DATASETS } from "@/lib/demo/portfolio";
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
  // A third member, so a high-risk version (quorum 3) can wait on one vote: Chris's.
  { email: "committee3@oversight.test", name: "Kim Committee", roles: ["committee"] },
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
function demoReferenceProfile(
  schema: { inputSchema: Record<string, unknown>; outputSchema: Record<string, unknown> },
  file = "data/credit-reference.csv",
) {
  const csv = Papa.parse<Record<string, string>>(fs.readFileSync(path.join(DEMO_DIR, file), "utf8"), {
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

type TDemoSchema = { inputSchema: Record<string, unknown>; outputSchema: Record<string, unknown> };
type TTx = Parameters<Parameters<TDatabase["transaction"]>[0]>[0];

/**
 * The rest of the demo portfolio, in other domains and other states than credit-default: each
 * version's status here is where the seed puts it directly (an imported history); versions marked
 * `validate` start registered and go through the real validation job and governance writes.
 */
const PORTFOLIO = [
  {
    slug: "card-fraud" as const,
    model: {
      displayName: "Card fraud",
      description:
        "Probability that a card authorisation is fraudulent; blocks or steps up the riskiest, refers borderline ones to the fraud desk.",
      riskTier: "high" as const,
      useCase: "Card authorisation fraud screening",
      businessKpi: "Fraud losses in basis points of card volume",
      fallbackRules: {
        description: "Refer card-not-present payments far from home at risky merchants",
        rules: [
          { feature: "merchant_category_risk", operator: "gte", value: 0.6, probability: 0.5 },
          { feature: "distance_from_home_km", operator: "gte", value: 500, probability: 0.3 },
        ],
        defaultProbability: 0.01,
      },
      reviewSettings: { dueHours: 4, claimMinutes: 10, highRiskRules: [{ feature: "amount_usd", operator: "gte", value: 2000 }] },
    },
    deployment: { confidenceThreshold: 0.6, reviewSampleRate: 0.002 },
    // 1.0.0 was the champion until 1.1.0 replaced it; 1.2.0 awaits the committee's third vote.
    versions: { "1.0.0": "retired", "1.1.0": "champion", "1.2.0": "validate" } as Record<string, "retired" | "champion" | "validate">,
    champion: "1.1.0",
  },
  {
    slug: "subscription-churn" as const,
    model: {
      displayName: "Subscription churn",
      description: "Probability that a subscriber cancels within a month of renewal; chooses who receives a retention offer.",
      riskTier: "low" as const,
      useCase: "Retention offers at renewal",
      businessKpi: "Monthly churn rate of subscribers",
      fallbackRules: {
        description: "Offer to month-to-month subscribers whose usage fell sharply",
        rules: [{ feature: "usage_trend", operator: "lte", value: -0.3, probability: 0.6 }],
        defaultProbability: 0.2,
      },
      reviewSettings: { dueHours: 48, claimMinutes: 15, highRiskRules: [] },
    },
    deployment: { confidenceThreshold: 0.55, reviewSampleRate: 0.002 },
    // 1.1.0 is approved and runs as a canary on 20 % of traffic.
    versions: { "1.0.0": "champion", "1.1.0": "validate" } as Record<string, "retired" | "champion" | "validate">,
    champion: "1.0.0",
  },
];

/** Registers one portfolio model, its versions and its deployment inside the seed's transaction; returns the versions to validate. */
async function seedPortfolioModel(
  tx: TTx,
  input: {
    entry: (typeof PORTFOLIO)[number];
    ownerId: string;
    audit: (
      action: string,
      subjectType: string,
      subjectId: string,
      modelId: string | null,
      input: Record<string, unknown>,
    ) => Promise<unknown>;
  },
): Promise<string[]> {
  const { entry, ownerId, audit } = input;
  const dataset = DEMO_DATASETS[entry.slug];
  const schema = readJson<TDemoSchema>(`${entry.slug}.schema.json`);
  const manifest = readJson<{ versions: TManifestVersion[] }>(`models/${entry.slug}.manifest.json`);
  const referenceProfile = demoReferenceProfile(schema, `data/${entry.slug}-reference.csv`);
  const model = await insertModel(tx, {
    slug: entry.slug,
    ...entry.model,
    ownerId,
    createdBy: ownerId,
    valueMatrix: { ...dataset.valueMatrix, baseline: "approve_everyone" },
  });
  await audit("registry.model_created", "model", model.id, model.id, { slug: model.slug, riskTier: model.riskTier });
  const versionIds = new Map<string, string>();
  for (const version of manifest.versions) {
    const content = fs.readFileSync(path.join(DEMO_DIR, "models", version.onnxFile));
    const sha256 = createHash("sha256").update(content).digest("hex");
    if (sha256 !== version.sha256) throw new Error(`${version.onnxFile} does not match its manifest hash; rerun npm run models:train`);
    await insertArtifactIfAbsent(tx, { sha256, content, signature: {} });
    const state = entry.versions[version.version];
    const row = await insertModelVersion(tx, {
      modelId: model.id,
      version: version.version,
      ...semverParts(version.version),
      status: state === "validate" ? "registered" : state,
      artifactSha256: sha256,
      inputSchema: schema.inputSchema,
      outputSchema: schema.outputSchema,
      trainingData: version.trainingData,
      hyperparameters: version.hyperparameters,
      offlineMetrics: version.offlineMetrics,
      card: version.card,
      referenceProfile,
      registeredBy: ownerId,
    });
    versionIds.set(version.version, row.id);
    await audit("registry.version_registered", "model_version", row.id, model.id, { version: version.version, artifactSha256: sha256 });
    if (state === "retired")
      await audit("deployment.retire", "model_version", row.id, model.id, { version: version.version, to: "retired" });
  }
  await insertDeployment(tx, { modelId: model.id, championVersionId: versionIds.get(entry.champion), mode: "off", ...entry.deployment });
  await audit("deployment.champion_set", "model", model.id, model.id, { version: entry.champion });
  return Object.entries(entry.versions)
    .filter(([, state]) => state === "validate")
    .map(([version]) => versionIds.get(version)!);
}

/**
 * The portfolio's governance after validation, through the product's own writes (approval
 * requests, votes, the canary move, each with its audit record): card-fraud 1.2.0 (high tier,
 * quorum 3) has two of three approvals and waits on Chris's vote; subscription-churn 1.1.0 (low
 * tier, quorum 1) is approved and runs as a canary on 20 % of traffic.
 */
async function seedPortfolioGovernance(db: TDatabase) {
  const users = await db.$client<
    { id: string; email: string; roles: TRole[] }[]
  >`select id, email, roles from users where email like '%@oversight.test'`;
  const actor = (email: string) => {
    const user = users.find((candidate) => candidate.email === email)!;
    return { id: user.id, label: user.email, roles: user.roles };
  };
  const versionId = async (slug: string, version: string) =>
    (
      await db.$client<
        { id: string }[]
      >`select v.id from model_versions v join models m on m.id = v.model_id where m.slug = ${slug} and v.version = ${version}`
    )[0].id;
  const scientist = actor("scientist@oversight.test");
  const fraud = await versionId("card-fraud", "1.2.0");
  await requestApproval(db, {
    actor: scientist,
    versionId: fraud,
    note: "Adds the amount against the cardholder's usual spend; catches more card-not-present fraud at the same false-decline rate.",
  });
  await castApprovalVote(db, {
    voter: actor("committee2@oversight.test"),
    versionId: fraud,
    decision: "approve",
    comment: "Gates pass; false declines by age band within the four-fifths rule.",
  });
  await castApprovalVote(db, {
    voter: actor("committee3@oversight.test"),
    versionId: fraud,
    decision: "approve",
    comment: "Approve, with a canary before promotion as the high tier requires.",
  });
  const churn = await versionId("subscription-churn", "1.1.0");
  await requestApproval(db, { actor: scientist, versionId: churn, note: "Retrained on ten months of renewals." });
  await castApprovalVote(db, {
    voter: actor("committee2@oversight.test"),
    versionId: churn,
    decision: "approve",
    comment: "Low tier; gates pass. Start it as a canary.",
  });
  await moveDeployment(db, {
    model: { slug: "subscription-churn" },
    actor: actor("committee@oversight.test"),
    action: "start_canary",
    versionId: churn,
    canaryPercent: 20,
    reason: "Compare retention value on live renewals before promoting.",
  });
}

/**
 * Seeds the demo once: one user per role (three committee members), the credit-default model with
 * its two trained versions (1.0.0 champion, 1.1.0 validated by the validation job), the rest of the
 * portfolio (card-fraud, subscription-churn: see PORTFOLIO) and an API key; then tops up the demo
 * KPIs (see demo-kpis.ts). Past traffic is scripts/seed/demo-traffic.ts's, on npm start's first run.
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
    const toValidate = [versionIds.get("1.1.0")!];
    for (const entry of PORTFOLIO) toValidate.push(...(await seedPortfolioModel(tx, { entry, ownerId: scientistId, audit })));
    return { seeded: true, apiKey: apiKey.key, toValidate };
  });
  // Run by the real job (before any traffic, as the drift gate compares with the champion's recent predictions); the runs
  // are independent (each claims its own with SKIP LOCKED), so they go side by side.
  for (const versionId of seeded.toValidate) await enqueueValidation(db, { versionId, requestedBy: null });
  await Promise.all(seeded.toValidate.map(() => runNextValidation(db)));
  await seedPortfolioGovernance(db);
  await seedDemoKpis(db);
  return { seeded: seeded.seeded, apiKey: seeded.apiKey };
}

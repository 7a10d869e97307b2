import { appendAuditRecord } from "@/db/audit";
import type { TDatabase } from "@/db/connection";
import { getCardSource } from "@/db/queries/cards";
import { getArtifactContent } from "@/db/queries/serving";
import { saveFeatureImportance } from "@/db/queries/importance";
import {
  claimValidationRun,
  finishValidationRun,
  getPolicy,
  getRecentChampionFeatures,
  getVersionForValidation,
  saveGateResults,
  setVersionStatus,
} from "@/db/queries/governance";
import { disparateImpactOfFavourable, driftedFeatureShare } from "@/lib/governance/evidence";
import { planTransition, ZVersionStatus } from "@/lib/governance/lifecycle";
import { evaluateGates, type TGateEvidence } from "@/lib/governance/policy";
import { assembleModelCard, computeCardCompleteness } from "@/lib/model-card";
import {
  classifierOutputOf,
  modelInputFeatures,
  modelInputSpecs,
  referenceInputRows,
  referenceStoredRows,
  ZInputSchema,
  ZOutputSchema,
  type TReferenceProfile,
} from "@/lib/registry";
import { computePerformance } from "@/lib/stats/performance";
import { scoreRows } from "../onnx/score-rows";
import { computeVersionImportance } from "./global-importance";

const SYSTEM_ROLES = ["system"] as const;
const RECENT_TRAFFIC_ROWS = 5_000;
// Fewer champion predictions than this say little about its traffic; the drift gate then abstains.
const MIN_TRAFFIC_ROWS = 200;

/** Computes the gate evidence of a version: runs its ONNX model on its reference sample. */
async function gatherEvidence(db: TDatabase, versionId: string): Promise<{ evidence: TGateEvidence; details: Record<string, unknown> }> {
  const row = await getVersionForValidation(db, versionId);
  if (!row) throw new Error(`version ${versionId} is gone`);
  const inputSchema = ZInputSchema.parse(row.version.inputSchema);
  const outputSchema = ZOutputSchema.parse(row.version.outputSchema);
  const profile = row.version.referenceProfile as TReferenceProfile | null;
  const inputs = modelInputFeatures(inputSchema);
  // The model's rows (category strings for string inputs), and the same as the features column stores them, for drift.
  const rows = profile ? referenceInputRows(inputSchema, profile) : [];
  const storedRows = profile ? referenceStoredRows(inputSchema, profile) : [];

  let scores: number[] = [];
  let smokeInferenceOk = false;
  const bytes = await getArtifactContent(db, row.version.artifactSha256);
  if (bytes && rows.length > 0) {
    scores = await scoreRows({
      model: new Uint8Array(bytes),
      rows,
      width: inputs.length,
      inputs: modelInputSpecs(inputSchema),
      ...classifierOutputOf(outputSchema),
    });
    smokeInferenceOk = scores.every((score) => Number.isFinite(score) && score >= 0 && score <= 1);
  }
  const performance =
    profile?.labels && scores.length ? computePerformance({ labels: profile.labels, scores, threshold: outputSchema.threshold }) : null;
  // The favourable outcome is the negative label (for credit: "repay", i.e. approve).
  const favourable = scores.map((score) => score < outputSchema.threshold);
  const disparateImpact = Object.fromEntries(
    inputSchema.features
      .filter((feature) => feature.sensitive && profile?.columns[feature.name])
      .map((feature) => [feature.name, disparateImpactOfFavourable({ favourable, groups: profile!.columns[feature.name] })]),
  );
  const traffic = await getRecentChampionFeatures(db, row.model.id, RECENT_TRAFFIC_ROWS);
  const drift = traffic.length >= MIN_TRAFFIC_ROWS ? driftedFeatureShare({ reference: storedRows, current: traffic }) : null;
  const card = await getCardSource(db, row.model.slug, row.version.version);
  const cardCompleteness = card ? computeCardCompleteness(assembleModelCard(card)).score : 0;
  return {
    evidence: {
      rocAuc: performance?.rocAuc ?? null,
      calibrationError: performance?.ece ?? null,
      disparateImpact,
      driftedFeatureShare: drift?.share ?? null,
      hasChampionTraffic: traffic.length >= MIN_TRAFFIC_ROWS,
      referenceRows: rows.length,
      cardCompleteness,
      smokeInferenceOk,
    },
    details: {
      referenceRows: rows.length,
      labelled: Boolean(profile?.labels),
      performance,
      trafficRows: traffic.length,
      psiByFeature: drift ? Object.fromEntries(inputs.map((feature, index) => [feature.name, drift.psi[index]])) : null,
    },
  };
}

/** Mean |Shapley value| per input over the version's reference sample (workers/jobs/global-importance.ts); null without reference data. */
async function referenceImportance(
  db: TDatabase,
  version: { artifactSha256: string; inputSchema: unknown; outputSchema: unknown; referenceProfile: unknown },
) {
  const bytes = version.referenceProfile ? await getArtifactContent(db, version.artifactSha256) : null;
  if (!bytes) return null;
  return computeVersionImportance({
    model: new Uint8Array(bytes),
    inputSchema: version.inputSchema,
    outputSchema: version.outputSchema,
    referenceProfile: version.referenceProfile,
  });
}

/**
 * Runs one queued validation: claims it, gathers the evidence, judges it against the tier's
 * policy and records gates, status and audit record in one transaction. Returns false when
 * nothing was queued. Idempotent: a run is claimed once; a crashed run is reclaimed later.
 */
export async function runNextValidation(db: TDatabase): Promise<boolean> {
  const run = await claimValidationRun(db);
  if (!run) return false;
  const row = await getVersionForValidation(db, run.modelVersionId);
  if (!row) {
    await finishValidationRun(db, run.id, "error");
    return true;
  }
  await db.transaction(async (tx) => {
    // registered / validation_failed / rejected → validating, as the state machine allows.
    const status = ZVersionStatus.parse(row.version.status);
    if (status !== "validating")
      await setVersionStatus(
        tx,
        row.version.id,
        planTransition({ action: "start_validation", version: { status }, actorRoles: SYSTEM_ROLES }).to,
      );
  });
  const policy = await getPolicy(db, row.model.riskTier);
  let outcome: { passed: boolean; gates: ReturnType<typeof evaluateGates>["gates"]; details: Record<string, unknown> };
  try {
    const { evidence, details } = await gatherEvidence(db, row.version.id);
    outcome = { ...evaluateGates({ policy, evidence }), details: { ...details, evidence } };
  } catch (error) {
    outcome = {
      passed: false,
      gates: [
        {
          gate: "validation_run",
          status: "error",
          passed: false,
          value: null,
          threshold: null,
          comparison: "==",
          reason: `the validation could not run: ${error instanceof Error ? error.message : String(error)}`,
        },
      ],
      details: {},
    };
  }
  // Global importance over the reference sample, computed once here and cited by the card and the gate evidence;
  // when it cannot be computed the version is judged as before, with the reason kept in the evidence.
  const importance = await referenceImportance(db, row.version).catch((error: unknown) => ({
    error: error instanceof Error ? error.message : String(error),
  }));
  if (importance && "error" in importance) outcome.details.globalImportanceError = importance.error;
  else if (importance) outcome.details.globalImportance = importance;
  await db.transaction(async (tx) => {
    if (importance && !("error" in importance))
      await saveFeatureImportance(tx, { versionId: row.version.id, source: "reference", importance });
    await saveGateResults(tx, run.id, outcome.gates, outcome.details);
    await finishValidationRun(tx, run.id, outcome.passed ? "passed" : "failed");
    const plan = planTransition({
      action: outcome.passed ? "record_validation_passed" : "record_validation_failed",
      version: { status: "validating" },
      actorRoles: SYSTEM_ROLES,
    });
    await setVersionStatus(tx, row.version.id, plan.to);
    await appendAuditRecord(tx, {
      actorId: null,
      actorLabel: "system (validation job)",
      action: outcome.passed ? "governance.validation_passed" : "governance.validation_failed",
      subjectType: "model_version",
      subjectId: row.version.id,
      modelId: row.model.id,
      input: {
        version: row.version.version,
        runId: run.id,
        failedGates: outcome.gates.filter((gate) => !gate.passed).map((gate) => gate.gate),
      },
    });
  });
  return true;
}

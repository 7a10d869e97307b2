import "server-only";
import { createHash } from "node:crypto";
import { InferenceSession, Tensor } from "onnxruntime-node";
import Papa from "papaparse";
import { eq } from "drizzle-orm";
import { appendAuditRecord } from "@/db/audit";
import type { TDatabase } from "@/db/connection";
import { enqueueValidation } from "@/db/queries/governance";
import { getModelBySlug, insertArtifactIfAbsent, insertModelVersion } from "@/db/queries/registry";
import { modelVersions } from "@/db/schema";
import {
  assertVersionIsNewer, buildReferenceProfile, modelInputFeatures, parseReferenceRecords, semverParts, syntheticSmokeRows, ZRegisterVersionInput,
  type TInputSchema, type TOutputSchema,
} from "@/lib/registry";
import type { TApiPrincipal } from "./api";
import { ApiError, zodIssues } from "./api-errors";

export const MAX_ARTIFACT_BYTES = Number(process.env.MAX_ARTIFACT_BYTES ?? 200 * 1024 * 1024);
// The drift profile keeps at most this many reference rows: enough for KS / PSI to be stable,
// small enough to live in a jsonb column.
const REFERENCE_SAMPLE_ROWS = 5_000;

type TCheckFailure = { check: string; message: string };
const refuse = (status: number, failure: TCheckFailure) => new ApiError(status, "artifact_refused", `${failure.check}: ${failure.message}`, [{ field: "onnx", message: failure.message, check: failure.check }]);

/**
 * Opens the ONNX file with onnxruntime and checks it against the declared schema: one float
 * input of width = the number of model inputs, the declared probability output, and a smoke
 * inference that returns probabilities in [0, 1]. Each refusal names the check that failed.
 */
export async function inspectOnnxArtifact(input: { bytes: Uint8Array; inputSchema: TInputSchema; outputSchema: TOutputSchema; smokeRows: number[][] }) {
  if (input.bytes.byteLength === 0) throw refuse(422, { check: "file", message: "the ONNX file is empty" });
  if (input.bytes.byteLength > MAX_ARTIFACT_BYTES) throw refuse(413, { check: "size", message: `the file is ${(input.bytes.byteLength / 1e6).toFixed(1)} MB; the limit is ${(MAX_ARTIFACT_BYTES / 1e6).toFixed(0)} MB` });
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(input.bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0].slice(0, 200) : "unknown error";
    throw refuse(422, { check: "load", message: `the file is not an ONNX model onnxruntime can load (${reason})` });
  }
  try {
    const width = modelInputFeatures(input.inputSchema).length;
    if (session.inputMetadata.length !== 1) throw refuse(422, { check: "inputs", message: `the model has ${session.inputMetadata.length} inputs; Oversight serves models with one [batch, features] tensor input` });
    const metadata = session.inputMetadata[0];
    if (!metadata.isTensor || metadata.type !== "float32") throw refuse(422, { check: "input type", message: `input '${metadata.name}' must be a float32 tensor` });
    const declaredWidth = metadata.shape[1];
    if (metadata.shape.length !== 2 || (typeof declaredWidth === "number" && declaredWidth !== width)) {
      throw refuse(422, { check: "input width", message: `input '${metadata.name}' has shape [${metadata.shape.join(", ")}] but the schema declares ${width} model inputs` });
    }
    if (!session.outputNames.includes(input.outputSchema.probabilityOutput)) {
      throw refuse(422, { check: "output", message: `the model has no output '${input.outputSchema.probabilityOutput}' (it has ${session.outputNames.join(", ")})` });
    }
    const rows = input.smokeRows.slice(0, 100);
    let probabilities: Float32Array;
    try {
      const output = await session.run({ [metadata.name]: new Tensor("float32", Float32Array.from(rows.flat()), [rows.length, width]) });
      probabilities = output[input.outputSchema.probabilityOutput].data as Float32Array;
    } catch (error) {
      throw refuse(422, { check: "smoke inference", message: `running ${rows.length} rows failed (${error instanceof Error ? error.message.split("\n")[0].slice(0, 200) : "unknown error"})` });
    }
    const bad = Array.from(probabilities).findIndex((value) => !Number.isFinite(value) || value < 0 || value > 1);
    if (bad >= 0) throw refuse(422, { check: "smoke inference", message: `row ${bad + 1} gave ${probabilities[bad]}, not a probability in [0, 1]` });
    return {
      signature: { inputs: [{ name: metadata.name, type: metadata.type, shape: metadata.shape }], outputs: session.outputNames, smokeRows: rows.length },
    };
  } finally {
    await session.release();
  }
}

/** Parses an uploaded reference CSV against the schema; refusal names the missing columns or bad cells. */
export function parseReferenceCsv(csv: string, inputSchema: TInputSchema, outputSchema: TOutputSchema) {
  const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
  if (parsed.errors.length > 0) throw new ApiError(422, "invalid_reference", `reference: the CSV cannot be read (${parsed.errors[0].message} at row ${(parsed.errors[0].row ?? 0) + 2})`);
  const label = outputSchema.labelColumn ? { column: outputSchema.labelColumn, positive: outputSchema.positiveLabel, negative: outputSchema.negativeLabel } : undefined;
  const result = parseReferenceRecords({ schema: inputSchema, header: parsed.meta.fields ?? [], records: parsed.data, label });
  if (!result.ok) throw new ApiError(422, "invalid_reference", result.errors[0].message, result.errors);
  return result;
}

/**
 * Registers a version: validates the metadata, the version order, the artifact and the reference
 * data, then stores artifact, version and audit record in one transaction. Nothing is stored
 * when any check fails.
 */
export async function registerModelVersion(input: {
  db: TDatabase;
  principal: TApiPrincipal;
  modelSlug: string;
  metadata: unknown;
  artifact: Uint8Array;
  referenceCsv: string | null;
}) {
  const metadata = ZRegisterVersionInput.safeParse(input.metadata);
  if (!metadata.success) throw new ApiError(422, "invalid_input", "The version metadata is not valid.", zodIssues(metadata.error));
  const model = await getModelBySlug(input.db, input.modelSlug);
  if (!model) throw new ApiError(404, "unknown_model", `No model named '${input.modelSlug}'.`);
  const existing = await input.db.select({ version: modelVersions.version }).from(modelVersions).where(eq(modelVersions.modelId, model.id));
  assertVersionIsNewer({ candidate: metadata.data.version, existing: existing.map((row) => row.version) });

  const reference = input.referenceCsv ? parseReferenceCsv(input.referenceCsv, metadata.data.inputSchema, metadata.data.outputSchema) : null;
  const inspection = await inspectOnnxArtifact({
    bytes: input.artifact,
    inputSchema: metadata.data.inputSchema,
    outputSchema: metadata.data.outputSchema,
    smokeRows: reference?.tensorRows ?? syntheticSmokeRows(metadata.data.inputSchema),
  });
  const sha256 = createHash("sha256").update(input.artifact).digest("hex");
  const referenceProfile = reference ? buildReferenceProfile(reference, REFERENCE_SAMPLE_ROWS) : null;

  return input.db.transaction(async (tx) => {
    // The version's uniqueness is re-checked by the unique index: a concurrent registration of the same version fails here.
    await insertArtifactIfAbsent(tx, { sha256, content: Buffer.from(input.artifact), signature: inspection.signature });
    const version = await insertModelVersion(tx, {
      modelId: model.id,
      version: metadata.data.version,
      ...semverParts(metadata.data.version),
      status: "registered",
      artifactSha256: sha256,
      inputSchema: metadata.data.inputSchema,
      outputSchema: metadata.data.outputSchema,
      trainingData: metadata.data.trainingData,
      hyperparameters: metadata.data.hyperparameters,
      offlineMetrics: metadata.data.offlineMetrics,
      card: metadata.data.card,
      referenceProfile,
      registeredBy: input.principal.kind === "user" ? input.principal.id : null,
    });
    // Validation starts by itself: the worker's job runner is woken by this queued run.
    await enqueueValidation(tx, { versionId: version.id, requestedBy: input.principal.kind === "user" ? input.principal.id : null });
    await appendAuditRecord(tx, {
      actorId: input.principal.kind === "user" ? input.principal.id : null,
      actorLabel: input.principal.label,
      action: "registry.version_registered",
      subjectType: "model_version",
      subjectId: version.id,
      modelId: model.id,
      input: { version: metadata.data.version, artifactSha256: sha256, sizeBytes: input.artifact.byteLength, referenceRows: referenceProfile?.rowCount ?? 0, features: metadata.data.inputSchema.features.length },
    });
    return { id: version.id, modelSlug: model.slug, version: version.version, status: version.status, artifactSha256: sha256, referenceRows: referenceProfile?.rowCount ?? 0 };
  });
}

import "server-only";
import { createHash } from "node:crypto";
import { InferenceSession, Tensor } from "onnxruntime-node";
import Papa from "papaparse";
import { appendAuditRecord } from "@/db/audit";
import type { TDatabase } from "@/db/connection";
import { enqueueValidation } from "@/db/queries/governance";
import {
  findVersionByArtifact,
  getModelBySlug,
  insertArtifactIfAbsent,
  insertModelVersion,
  listVersionStrings,
} from "@/db/queries/registry";
import { readOnnxClassLabels } from "@/lib/onnx/class-labels";
import { describeZipMapRemoval, stripZipMap, ZipMapRewriteError, type TZipMapStripped } from "@/lib/onnx/strip-zipmap";
import { classifierFetchesOrThrow, ModelOutputError, readBinaryClassifierOutputs } from "@/lib/onnx/model-output";
import {
  assertVersionIsNewer,
  buildReferenceProfile,
  checkLabelOutput,
  positiveIndexOf,
  resolveClassLabels,
  modelInputSpecs,
  parseReferenceRecords,
  semverParts,
  syntheticSmokeRows,
  ZRegisterVersionInput,
  type TInputRow,
  type TInputSchema,
  type TOutputSchema,
} from "@/lib/registry";
import { buildFeeds, resolveFeedSpecs } from "@/lib/onnx/model-inputs";
import { formatMiB } from "@/lib/validation/edge";
import { withModelCardToolkitCard } from "@/lib/model-card/from-mct";
import type { TApiPrincipal } from "./api";
import { ApiError, zodIssues } from "./api-errors";
import { appEnv } from "./env";

export const MAX_ARTIFACT_BYTES = appEnv().maxArtifactBytes;
// The drift profile keeps at most this many reference rows: enough for KS / PSI to be stable,
// small enough to live in a jsonb column.
const REFERENCE_SAMPLE_ROWS = 5_000;

type TCheckFailure = { check: string; message: string };
const refuse = (status: number, failure: TCheckFailure) =>
  new ApiError(status, "artifact_refused", `${failure.check}: ${failure.message}`, [
    { field: "onnx", message: failure.message, check: failure.check },
  ]);

// The class-order check runs the model on at most this many reference rows.
const CHECKED_ROWS = 1_000;

/**
 * Opens the ONNX file with onnxruntime and checks it against the declared schema: its inputs fed
 * as the schema says (one float input of width = the number of model inputs, or each feature's
 * named input with its element type: float32, float64, int64, string), the declared probability output, the classes in
 * column order (the model's own where it names them, else declared) with the positive one among
 * them, and an inference on the reference rows read as serving reads it (lib/onnx/model-output:
 * one column or two, probabilities in [0, 1]) whose label output, if any, must not contradict the
 * class order. Each refusal names the check that failed. Returns the output schema with its classes.
 */
async function inspectOnnxArtifact(input: {
  bytes: Uint8Array;
  /** The file as uploaded, whose classifier nodes name the classes (a removed ZipMap may have been the only one). */
  uploaded: Uint8Array;
  inputSchema: TInputSchema;
  outputSchema: TOutputSchema;
  smokeRows: TInputRow[];
}) {
  if (input.bytes.byteLength === 0) throw refuse(422, { check: "file", message: "the ONNX file is empty" });
  if (input.bytes.byteLength > MAX_ARTIFACT_BYTES)
    throw refuse(413, {
      check: "size",
      message: `the file is ${formatMiB(input.bytes.byteLength)}; the limit is ${formatMiB(MAX_ARTIFACT_BYTES)}`,
    });
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(input.bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0].slice(0, 200) : "unknown error";
    throw refuse(422, { check: "load", message: `the file is not an ONNX model onnxruntime can load (${reason})` });
  }
  try {
    // One float tensor [batch, width], or one named input per feature (or group of features) of its own element type.
    const feeds = resolveFeedSpecs(session.inputMetadata, modelInputSpecs(input.inputSchema));
    if (!feeds.ok)
      throw refuse(422, { check: feeds.problems[0].check, message: feeds.problems.map((problem) => problem.message).join("; ") });
    const probabilityOutput = input.outputSchema.probabilityOutput;
    const fetches = readOutputOrRefuse(() => classifierFetchesOrThrow(session.outputMetadata, probabilityOutput));
    const classes = resolveClassLabels({ declared: input.outputSchema, fromModel: readOnnxClassLabels(input.uploaded) });
    if (!classes.ok)
      throw new ApiError(422, "artifact_refused", `classes: ${classes.message}`, [
        { field: classes.field, message: classes.message, check: "classes" },
      ]);
    const outputSchema: TOutputSchema = { ...input.outputSchema, classLabels: classes.classLabels };
    const positiveIndex = positiveIndexOf(outputSchema);
    const rows = input.smokeRows.slice(0, CHECKED_ROWS);
    let outputs: InferenceSession.OnnxValueMapType;
    try {
      const tensors = buildFeeds(feeds.specs, rows).map((feed) => [feed.name, new Tensor(feed.type, feed.data, feed.dims)] as const);
      outputs = await session.run(Object.fromEntries(tensors), fetches);
    } catch (error) {
      throw refuse(422, {
        check: "smoke inference",
        message: `running ${rows.length} rows failed (${error instanceof Error ? error.message.split("\n")[0].slice(0, 200) : "unknown error"})`,
      });
    }
    const reading = readOutputOrRefuse(() =>
      readBinaryClassifierOutputs({ outputs, rowCount: rows.length, probabilityOutput, positiveIndex }),
    );
    const labelCheck =
      reading.labels && reading.columns === 2
        ? checkLabelOutput({
            positiveProbabilities: reading.probabilities,
            positiveIndex,
            labels: reading.labels,
            classLabels: outputSchema.classLabels,
          })
        : null;
    if (labelCheck && !labelCheck.ok) {
      const message = `${labelCheck.message} (the label output is '${reading.labelOutput}')`;
      throw new ApiError(422, "artifact_refused", `class order: ${message}`, [
        { field: "outputSchema.classLabels", message, check: "class order", rows: labelCheck.contradictingRows.slice(0, 100) },
      ]);
    }
    return {
      outputSchema,
      signature: {
        inputs: session.inputMetadata.map((metadata) => ({
          name: metadata.name,
          type: metadata.isTensor ? metadata.type : "non-tensor",
          shape: metadata.isTensor ? metadata.shape : [],
        })),
        outputs: session.outputNames,
        probabilityColumns: reading.columns,
        labelOutput: reading.labelOutput,
        classLabels: outputSchema.classLabels ?? null,
        positiveIndex,
        // Rows on which the label output is not the class of the highest probability (onnxruntime's two-class tree rule).
        labelDisagreements: labelCheck?.ok ? labelCheck.disagreeingRows.length : null,
        smokeRows: rows.length,
      },
    };
  } finally {
    await session.release();
  }
}

/** Runs one step of reading the model's outputs; a ModelOutputError becomes the "output" check's refusal. */
function readOutputOrRefuse<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ModelOutputError) throw refuse(422, { check: "output", message: error.message });
    throw error;
  }
}

/** The upload with its ZipMap removed (lib/onnx/strip-zipmap), null when it has none; a ZipMap that cannot go is refused. */
function removeZipMapOrRefuse(bytes: Uint8Array): TZipMapStripped | null {
  if (bytes.byteLength > MAX_ARTIFACT_BYTES) return null; // the size check refuses it with its own message
  try {
    return stripZipMap(bytes);
  } catch (error) {
    if (error instanceof ZipMapRewriteError) throw refuse(422, { check: "zipmap", message: error.message });
    throw error;
  }
}

/** Parses an uploaded reference CSV against the schema; refusal names the missing columns or bad cells. */
function parseReferenceCsv(csv: string, inputSchema: TInputSchema, outputSchema: TOutputSchema) {
  const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
  if (parsed.errors.length > 0)
    throw new ApiError(
      422,
      "invalid_reference",
      `reference: the CSV cannot be read (${parsed.errors[0].message} at row ${(parsed.errors[0].row ?? 0) + 2})`,
    );
  const label = outputSchema.labelColumn
    ? { column: outputSchema.labelColumn, positive: outputSchema.positiveLabel, negative: outputSchema.negativeLabel }
    : undefined;
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
  // `card` may be a Model Card Toolkit card (what the card export writes): read into the card text and fields.
  const metadata = ZRegisterVersionInput.safeParse(withModelCardToolkitCard(input.metadata));
  if (!metadata.success) throw new ApiError(422, "invalid_input", "The version metadata is not valid.", zodIssues(metadata.error));
  const model = await getModelBySlug(input.db, input.modelSlug);
  if (!model) throw new ApiError(404, "unknown_model", `No model named '${input.modelSlug}'.`);
  assertVersionIsNewer({ candidate: metadata.data.version, existing: await listVersionStrings(input.db, model.id) });

  const rewrite = removeZipMapOrRefuse(input.artifact);
  const artifact = rewrite?.bytes ?? input.artifact;
  const originalSha256 = createHash("sha256").update(input.artifact).digest("hex");
  const sha256 = rewrite ? createHash("sha256").update(artifact).digest("hex") : originalSha256;
  // Both hashes: the same upload is rewritten to the same bytes, and a re-export without ZipMap matches the rewrite.
  const duplicate = await findVersionByArtifact(input.db, [...new Set([sha256, originalSha256])]);
  if (duplicate)
    throw new ApiError(
      409,
      "artifact_already_registered",
      `This ONNX file (sha256 ${originalSha256.slice(0, 12)}…) is already registered as ${duplicate.modelSlug} ${duplicate.version}: a version is a different model file.`,
      [{ field: "onnx", message: `same artifact as ${duplicate.modelSlug} ${duplicate.version}` }],
    );
  const changes = rewrite?.removed.map(describeZipMapRemoval) ?? [];
  const reference = input.referenceCsv
    ? parseReferenceCsv(input.referenceCsv, metadata.data.inputSchema, metadata.data.outputSchema)
    : null;
  const inspection = await inspectOnnxArtifact({
    bytes: artifact,
    uploaded: input.artifact,
    inputSchema: metadata.data.inputSchema,
    outputSchema: metadata.data.outputSchema,
    smokeRows: reference?.tensorRows ?? syntheticSmokeRows(metadata.data.inputSchema),
  });
  const referenceProfile = reference ? buildReferenceProfile(reference, REFERENCE_SAMPLE_ROWS) : null;

  return input.db.transaction(async (tx) => {
    // The version's uniqueness is re-checked by the unique index: a concurrent registration of the same version fails here.
    await insertArtifactIfAbsent(tx, {
      sha256,
      content: Buffer.from(artifact),
      signature: rewrite ? { ...inspection.signature, changes, zipMapsRemoved: rewrite.removed } : inspection.signature,
      originalSha256: rewrite ? originalSha256 : null,
    });
    const version = await insertModelVersion(tx, {
      modelId: model.id,
      version: metadata.data.version,
      ...semverParts(metadata.data.version),
      status: "registered",
      artifactSha256: sha256,
      inputSchema: metadata.data.inputSchema,
      outputSchema: inspection.outputSchema,
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
      input: {
        version: metadata.data.version,
        artifactSha256: sha256,
        ...(rewrite ? { originalSha256, changes } : {}),
        sizeBytes: artifact.byteLength,
        referenceRows: referenceProfile?.rowCount ?? 0,
        features: metadata.data.inputSchema.features.length,
      },
    });
    return {
      id: version.id,
      modelSlug: model.slug,
      version: version.version,
      status: version.status,
      artifactSha256: sha256,
      originalSha256: rewrite ? originalSha256 : null,
      changes,
      referenceRows: referenceProfile?.rowCount ?? 0,
    };
  });
}

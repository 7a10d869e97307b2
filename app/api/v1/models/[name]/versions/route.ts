import { authenticateApi, ApiError, handleApi } from "@/app/_server/api";
import { MAX_ARTIFACT_BYTES, registerModelVersion } from "@/app/_server/registry";
import { readMultipartBody } from "@/app/_server/request-body";
import { getDb } from "@/db/client";
import { findJsonProblem } from "@/lib/validation/edge";
import { listModelVersions } from "@/db/queries/models";

export const runtime = "nodejs";
// The ONNX file at its limit plus room for the metadata and the reference CSV.
const MAX_UPLOAD_BYTES = MAX_ARTIFACT_BYTES + 50 * 1024 * 1024;

/** Every version of a model, newest first. */
export async function GET(request: Request, context: { params: Promise<{ name: string }> }) {
  return handleApi("versions.list", async () => {
    const { model } = await authenticateApi(request, { permission: "models.read", model: (await context.params).name });
    const versions = await listModelVersions(getDb(), model.slug);
    if (!versions) throw new ApiError(404, "unknown_model", `No model named '${model.slug}'.`);
    return Response.json({ versions });
  });
}

/**
 * Registers a version (multipart/form-data): `metadata` (JSON: version, inputSchema,
 * outputSchema, trainingData, hyperparameters, offlineMetrics, card), `onnx` (the file) and
 * optionally `reference` (CSV with a column per schema feature).
 */
export async function POST(request: Request, context: { params: Promise<{ name: string }> }) {
  return handleApi("versions.register", async () => {
    const { principal, model } = await authenticateApi(request, {
      permission: "version.register",
      model: (await context.params).name,
      body: "multipart",
    });
    if (!request.headers.get("content-type")?.startsWith("multipart/form-data")) {
      throw new ApiError(
        415,
        "unsupported_media_type",
        "Send multipart/form-data with the fields metadata, onnx and (optionally) reference.",
      );
    }
    const form = await readMultipartBody(request, MAX_UPLOAD_BYTES);
    const metadataField = form.get("metadata");
    const onnx = form.get("onnx");
    const reference = form.get("reference");
    if (typeof metadataField !== "string")
      throw new ApiError(422, "invalid_input", "metadata: send the version's metadata as a JSON text field.", [
        { field: "metadata", message: "required" },
      ]);
    if (!(onnx instanceof File))
      throw new ApiError(422, "invalid_input", "onnx: attach the ONNX file.", [{ field: "onnx", message: "required" }]);
    let metadata: unknown;
    try {
      metadata = JSON.parse(metadataField);
    } catch {
      throw new ApiError(422, "invalid_input", "metadata: not valid JSON.", [{ field: "metadata", message: "not valid JSON" }]);
    }
    const problem = findJsonProblem(metadata);
    if (problem) {
      const field = `metadata.${problem.field}`;
      throw new ApiError(problem.tooDeep ? 400 : 422, problem.tooDeep ? "too_deep" : "invalid_input", `${field} ${problem.message}.`, [
        { field, message: problem.message },
      ]);
    }
    const created = await registerModelVersion({
      db: getDb(),
      principal,
      modelSlug: model.slug,
      metadata,
      artifact: new Uint8Array(await onnx.arrayBuffer()),
      referenceCsv: reference instanceof File ? await reference.text() : typeof reference === "string" && reference ? reference : null,
    });
    return Response.json(created, { status: 201 });
  });
}

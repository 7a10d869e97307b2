import { authenticateApi, ApiError, handleApi } from "@/app/_server/api";
import { MAX_ARTIFACT_BYTES, registerModelVersion } from "@/app/_server/registry";
import { getDb } from "@/db/client";
import { listModelVersions } from "@/db/queries/models";

export const runtime = "nodejs";

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
    const { principal, model } = await authenticateApi(request, { permission: "version.register", model: (await context.params).name });
    const length = Number(request.headers.get("content-length") ?? 0);
    if (length > MAX_ARTIFACT_BYTES + 50 * 1024 * 1024)
      throw new ApiError(413, "too_large", `The upload is larger than the ${(MAX_ARTIFACT_BYTES / 1e6).toFixed(0)} MB limit.`);
    if (!request.headers.get("content-type")?.startsWith("multipart/form-data")) {
      throw new ApiError(
        415,
        "unsupported_media_type",
        "Send multipart/form-data with the fields metadata, onnx and (optionally) reference.",
      );
    }
    const form = await request.formData().catch(() => {
      throw new ApiError(400, "bad_multipart", "The multipart body cannot be read.");
    });
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

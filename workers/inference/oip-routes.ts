import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { encodeInstance, modelInputFeatures } from "@/lib/registry";
import { valuesFromTensorRow } from "./predict";
import { answerBatch, sendValidationError, zodDetails, type TInferenceRouteOptions } from "./route-helpers";
import type { TLoadedVersion, TServedModel } from "./serving-state";

const ZOipBody = z.object({
  id: z.string().max(200).optional(),
  inputs: z
    .array(
      z.object({
        name: z.string(),
        shape: z.array(z.number().int().nonnegative()),
        datatype: z.string(),
        data: z.array(z.unknown()),
      }),
    )
    .length(1, "inputs must hold exactly one tensor"),
});

type TModelRequest = FastifyRequest<{ Params: { name: string; version?: string } }>;

/** The version a request names, or the champion when it names none; null when it is not loaded here. */
function oipVersion(model: TServedModel, version?: string): TLoadedVersion | null {
  if (!version) return model.champion;
  return [model.champion, model.challenger].find((candidate) => candidate?.version === version) ?? null;
}

/** Open Inference Protocol (KServe V2, REST): health, model metadata and readiness, and tensor inference. */
export function registerOipRoutes(app: FastifyInstance, options: TInferenceRouteOptions) {
  const { state, authenticate, maxBatchInstances } = options;

  app.get("/v2/health/live", async () => ({ live: true }));
  app.get("/v2/health/ready", async (_request, reply) => {
    const ready = state.list().length > 0;
    return reply.code(ready ? 200 : 503).send({ ready });
  });

  const metadata = async (request: TModelRequest, reply: FastifyReply) => {
    const model = state.get(request.params.name);
    const version = model ? oipVersion(model, request.params.version) : null;
    if (!model || !version)
      return reply.code(404).send({
        error: `model '${request.params.name}'${request.params.version ? ` version '${request.params.version}'` : ""} is not served here`,
      });
    return {
      name: model.slug,
      versions: [model.champion, model.challenger].filter(Boolean).map((loaded) => loaded!.version),
      platform: "onnxruntime_onnx",
      inputs: [{ name: version.inputName, datatype: "FP32", shape: [-1, version.inputWidth] }],
      outputs: [{ name: version.outputSchema.probabilityOutput, datatype: "FP32", shape: [-1, 1] }],
    };
  };
  const readiness = async (request: TModelRequest, reply: FastifyReply) => {
    const model = state.get(request.params.name);
    const ready = Boolean(model && oipVersion(model, request.params.version));
    return reply.code(ready ? 200 : 404).send({ name: request.params.name, ready });
  };
  app.get("/v2/models/:name", metadata);
  app.get("/v2/models/:name/versions/:version", metadata);
  app.get("/v2/models/:name/ready", readiness);
  app.get("/v2/models/:name/versions/:version/ready", readiness);

  const infer = async (request: TModelRequest, reply: FastifyReply) => {
    const receivedAt = performance.now();
    const model = state.get(request.params.name);
    if (!model) return reply.code(404).send({ error: `model '${request.params.name}' is not served here` });
    const caller = await authenticate(request, reply, "predictions.create", model.modelId);
    if (!caller) return reply;
    const explicit = request.params.version ? oipVersion(model, request.params.version) : null;
    if (request.params.version && !explicit)
      return reply.code(404).send({ error: `version '${request.params.version}' of '${model.slug}' is not deployed` });
    const reference = explicit ?? model.champion ?? model.challenger;
    if (!reference) return reply.code(503).send({ error: `model '${model.slug}' has no loaded version` });
    const body = ZOipBody.safeParse(request.body);
    if (!body.success)
      return reply.code(400).send({
        error: zodDetails(body.error)
          .map((detail) => `${detail.field}: ${detail.message}`)
          .join("; "),
      });
    const tensor = body.data.inputs[0];
    const width = reference.inputWidth;
    const problems: string[] = [];
    if (tensor.name !== reference.inputName) problems.push(`input name must be '${reference.inputName}', not '${tensor.name}'`);
    if (!["FP32", "FP64"].includes(tensor.datatype)) problems.push(`datatype must be FP32, not ${tensor.datatype}`);
    if (tensor.shape.length !== 2 || tensor.shape[1] !== width)
      problems.push(`shape must be [batch, ${width}], not [${tensor.shape.join(", ")}]`);
    const flat = (tensor.data as unknown[]).flat(2);
    const rowsCount = tensor.shape[0] ?? 0;
    if (flat.length !== rowsCount * width)
      problems.push(`data holds ${flat.length} values; shape [${tensor.shape.join(", ")}] needs ${rowsCount * width}`);
    if (flat.some((value) => typeof value !== "number" || !Number.isFinite(value))) problems.push("data must hold finite numbers only");
    if (rowsCount > maxBatchInstances) return reply.code(413).send({ error: `at most ${maxBatchInstances} rows per request` });
    if (rowsCount === 0 && problems.length === 0) problems.push("the batch is empty");
    if (problems.length > 0) return reply.code(400).send({ error: problems.join("; ") });

    // The same feature schema as the feature-JSON route: ranges, booleans as 0 / 1, float32.
    const features = modelInputFeatures(reference.inputSchema);
    const errors: Array<{ instance: number; field: string; message: string }> = [];
    const rows = Array.from({ length: rowsCount }, (_, rowIndex) => {
      const row = (flat as number[]).slice(rowIndex * width, (rowIndex + 1) * width);
      const instance = Object.fromEntries(
        features.map((feature, column) => [
          feature.name,
          feature.type === "boolean" && (row[column] === 0 || row[column] === 1) ? row[column] === 1 : row[column],
        ]),
      );
      const encoded = encodeInstance({ schema: { features }, instance });
      if (encoded.ok) return encoded.tensorRow;
      for (const error of encoded.errors) {
        const dataIndex = rowIndex * width + features.findIndex((feature) => feature.name === error.field);
        errors.push({ instance: rowIndex, field: error.field, message: `${error.message} (input '${tensor.name}', data[${dataIndex}])` });
      }
      return row;
    });
    if (errors.length > 0)
      return sendValidationError(reply, `${errors.length} value(s) are not valid for the model's features; nothing was recorded.`, errors);
    const instances = rows.map((row) => ({ tensorRow: row, values: valuesFromTensorRow(model, row), attributes: {} }));
    const baseId = body.data.id ?? randomUUID();
    const requestIds = rows.map((_, index) => (rowsCount > 1 ? `${baseId}:${index}` : baseId));
    // An explicit version is served as-is; otherwise the deployment's routing decides.
    const routed: TServedModel = explicit
      ? { ...model, mode: "off", killSwitch: model.killSwitch, champion: explicit, challenger: null }
      : model;
    const results = await answerBatch(options, { model: routed, instances, requestIds, apiKeyId: caller.apiKeyId, receivedAt });
    return {
      model_name: model.slug,
      model_version: results[0]?.modelVersion ?? "fallback",
      id: baseId,
      outputs: [
        {
          name: reference.outputSchema.probabilityOutput,
          datatype: "FP32",
          shape: [rowsCount, 1],
          data: results.map((result) => result.probability),
        },
      ],
      parameters: { prediction_ids: results.map((result) => result.predictionId), roles: results.map((result) => result.role) },
    };
  };
  app.post("/v2/models/:name/infer", infer);
  app.post("/v2/models/:name/versions/:version/infer", infer);
}

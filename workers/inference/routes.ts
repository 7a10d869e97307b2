import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import type { TDatabase } from "@/db/connection";
import { getPredictionStatus, getPredictionsForOutcome, insertOutcomes } from "@/db/queries/outcomes";
import { encodeInstance, ZOutputSchema } from "@/lib/registry";
import type { TAuthenticate } from "./api-key-auth";
import type { TWorkerMetrics } from "./metrics";
import { predictBatch, valuesFromTensorRow, type TEncodedInstance, type TPredictionResult } from "./predict";
import type { TRecorder } from "./recorder";
import type { TLoadedVersion, TServedModel, TServingState } from "./serving-state";

export type TInferenceRouteOptions = {
  db: TDatabase;
  state: TServingState;
  recorder: TRecorder;
  metrics: TWorkerMetrics;
  authenticate: TAuthenticate;
  maxBatchInstances: number;
};

const ZPredictBody = z.object({
  instances: z.array(z.record(z.string(), z.unknown()), { error: "instances must be a list of objects (feature name → value)" }).min(1, "instances must not be empty"),
  requestId: z.string().min(1).max(200).optional(),
});

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

const ZOutcome = z.object({
  label: z.union([z.string().min(1), z.literal(0), z.literal(1)], { error: "label must be the positive or negative label (or 1 / 0)" }),
  observedAt: z.iso.datetime({ offset: true }).optional(),
});
const ZBulkOutcomes = z.object({
  outcomes: z.array(ZOutcome.extend({ predictionId: z.uuid({ error: "predictionId must be a prediction id (uuid)" }) })).min(1).max(1000),
});

function zodDetails(error: z.ZodError) {
  return error.issues.map((issue) => ({ field: issue.path.join(".") || "(body)", message: issue.message }));
}

function sendValidationError(reply: FastifyReply, message: string, errors: Array<{ field: string; message: string; instance?: number }>) {
  return reply.code(422).send({ error: "invalid_input", message, errors });
}

/** Registers the worker's inference API: feature JSON, Open Inference Protocol (KServe V2) and outcomes. */
export function registerInferenceRoutes(app: FastifyInstance, options: TInferenceRouteOptions) {
  const { state, recorder, metrics, authenticate } = options;

  async function answer(model: TServedModel, instances: TEncodedInstance[], requestIds: string[], apiKeyId: string | null, receivedAt: number) {
    const outcome = await predictBatch({ model, instances, requestIds, apiKeyId, receivedAt });
    await recorder.record({ predictions: outcome.predictions, reviews: outcome.reviews });
    const seconds = (performance.now() - receivedAt) / 1000;
    for (const result of outcome.results) {
      metrics.requests.inc({ model: model.slug, version: result.modelVersion ?? "fallback", role: result.role, status: "ok" });
      metrics.latency.observe({ model: model.slug, role: result.role }, seconds);
      if (result.reviewReason) metrics.reviews.inc({ model: model.slug, reason: result.reviewReason });
    }
    for (const cause of outcome.fallbackCauses) metrics.fallbacks.inc({ model: model.slug, cause });
    return outcome.results;
  }

  app.post<{ Params: { name: string } }>("/api/v1/models/:name/predict", async (request, reply) => {
    const receivedAt = performance.now();
    const model = state.get(request.params.name);
    if (!model) return reply.code(404).send({ error: "unknown_model", message: `No model named '${request.params.name}' is served here.` });
    const caller = await authenticate(request, reply, "predict", model.modelId);
    if (!caller) return reply;
    const body = ZPredictBody.safeParse(request.body);
    if (!body.success) return sendValidationError(reply, "The request body is not valid.", zodDetails(body.error));
    if (body.data.instances.length > options.maxBatchInstances) {
      return reply.code(413).send({ error: "batch_too_large", message: `At most ${options.maxBatchInstances} instances per request; this one has ${body.data.instances.length}.` });
    }
    if (!model.inputSchema) return reply.code(503).send({ error: "model_unavailable", message: `Model '${model.slug}' has no deployed version yet.` });

    const encoded: TEncodedInstance[] = [];
    const errors: Array<{ instance: number; field: string; message: string }> = [];
    body.data.instances.forEach((instance, index) => {
      const result = encodeInstance({ schema: model.inputSchema!, instance });
      if (result.ok) {
        const values = Object.fromEntries(Object.entries(instance).filter(([, value]) => ["string", "number", "boolean"].includes(typeof value))) as TEncodedInstance["values"];
        encoded.push({ tensorRow: result.tensorRow, values, attributes: result.attributes });
      } else {
        errors.push(...result.errors.map((error) => ({ instance: index, field: error.field, message: error.message })));
      }
    });
    if (errors.length > 0) return sendValidationError(reply, `${errors.length} field(s) are not valid; nothing was recorded.`, errors);

    const baseId = body.data.requestId;
    const requestIds = encoded.map((_, index) => (baseId ? (encoded.length > 1 ? `${baseId}:${index}` : baseId) : randomUUID()));
    const results: TPredictionResult[] = await answer(model, encoded, requestIds, caller.apiKeyId, receivedAt);
    return { model: model.slug, predictions: results };
  });

  // Open Inference Protocol (KServe V2) -----------------------------------------------------
  app.get("/v2/health/live", async () => ({ live: true }));
  app.get("/v2/health/ready", async (_request, reply) => {
    const ready = state.list().length > 0;
    return reply.code(ready ? 200 : 503).send({ ready });
  });

  function oipVersion(model: TServedModel, version?: string): TLoadedVersion | null {
    if (!version) return model.champion;
    return [model.champion, model.challenger].find((candidate) => candidate?.version === version) ?? null;
  }

  const metadata = async (request: { params: { name: string; version?: string } }, reply: FastifyReply) => {
    const model = state.get(request.params.name);
    const version = model ? oipVersion(model, request.params.version) : null;
    if (!model || !version) return reply.code(404).send({ error: `model '${request.params.name}'${request.params.version ? ` version '${request.params.version}'` : ""} is not served here` });
    return {
      name: model.slug,
      versions: [model.champion, model.challenger].filter(Boolean).map((loaded) => loaded!.version),
      platform: "onnxruntime_onnx",
      inputs: [{ name: version.inputName, datatype: "FP32", shape: [-1, version.inputWidth] }],
      outputs: [{ name: version.outputSchema.probabilityOutput, datatype: "FP32", shape: [-1, 1] }],
    };
  };
  const readiness = async (request: { params: { name: string; version?: string } }, reply: FastifyReply) => {
    const model = state.get(request.params.name);
    const ready = Boolean(model && oipVersion(model, request.params.version));
    return reply.code(ready ? 200 : 404).send({ name: request.params.name, ready });
  };
  app.get<{ Params: { name: string } }>("/v2/models/:name", metadata);
  app.get<{ Params: { name: string; version: string } }>("/v2/models/:name/versions/:version", metadata);
  app.get<{ Params: { name: string } }>("/v2/models/:name/ready", readiness);
  app.get<{ Params: { name: string; version: string } }>("/v2/models/:name/versions/:version/ready", readiness);

  const infer = async (request: { params: { name: string; version?: string }; body: unknown; headers: Record<string, unknown> }, reply: FastifyReply) => {
    const receivedAt = performance.now();
    const model = state.get(request.params.name);
    if (!model) return reply.code(404).send({ error: `model '${request.params.name}' is not served here` });
    const caller = await authenticate(request as never, reply, "predict", model.modelId);
    if (!caller) return reply;
    const explicit = request.params.version ? oipVersion(model, request.params.version) : null;
    if (request.params.version && !explicit) return reply.code(404).send({ error: `version '${request.params.version}' of '${model.slug}' is not deployed` });
    const reference = explicit ?? model.champion ?? model.challenger;
    if (!reference) return reply.code(503).send({ error: `model '${model.slug}' has no loaded version` });
    const body = ZOipBody.safeParse(request.body);
    if (!body.success) return reply.code(400).send({ error: zodDetails(body.error).map((detail) => `${detail.field}: ${detail.message}`).join("; ") });
    const tensor = body.data.inputs[0];
    const width = reference.inputWidth;
    const problems: string[] = [];
    if (tensor.name !== reference.inputName) problems.push(`input name must be '${reference.inputName}', not '${tensor.name}'`);
    if (!["FP32", "FP64"].includes(tensor.datatype)) problems.push(`datatype must be FP32, not ${tensor.datatype}`);
    if (tensor.shape.length !== 2 || tensor.shape[1] !== width) problems.push(`shape must be [batch, ${width}], not [${tensor.shape.join(", ")}]`);
    const flat = (tensor.data as unknown[]).flat(2);
    const rowsCount = tensor.shape[0] ?? 0;
    if (flat.length !== rowsCount * width) problems.push(`data holds ${flat.length} values; shape [${tensor.shape.join(", ")}] needs ${rowsCount * width}`);
    if (flat.some((value) => typeof value !== "number" || !Number.isFinite(value))) problems.push("data must hold finite numbers only");
    if (rowsCount > options.maxBatchInstances) return reply.code(413).send({ error: `at most ${options.maxBatchInstances} rows per request` });
    if (rowsCount === 0 && problems.length === 0) problems.push("the batch is empty");
    if (problems.length > 0) return reply.code(400).send({ error: problems.join("; ") });

    const rows = Array.from({ length: rowsCount }, (_, index) => (flat as number[]).slice(index * width, (index + 1) * width));
    const instances = rows.map((row) => ({ tensorRow: row, values: valuesFromTensorRow(model, row), attributes: {} }));
    const baseId = body.data.id ?? randomUUID();
    const requestIds = rows.map((_, index) => (rowsCount > 1 ? `${baseId}:${index}` : baseId));
    // An explicit version is served as-is; otherwise the deployment's routing decides.
    const routed: TServedModel = explicit
      ? { ...model, mode: "off", killSwitch: model.killSwitch, champion: explicit, challenger: null }
      : model;
    const results = await answer(routed, instances, requestIds, caller.apiKeyId, receivedAt);
    return {
      model_name: model.slug,
      model_version: results[0]?.modelVersion ?? "fallback",
      id: baseId,
      outputs: [{ name: reference.outputSchema.probabilityOutput, datatype: "FP32", shape: [rowsCount, 1], data: results.map((result) => result.probability) }],
      parameters: { prediction_ids: results.map((result) => result.predictionId), roles: results.map((result) => result.role) },
    };
  };
  app.post<{ Params: { name: string } }>("/v2/models/:name/infer", infer);
  app.post<{ Params: { name: string; version: string } }>("/v2/models/:name/versions/:version/infer", infer);

  // Outcomes ---------------------------------------------------------------------------------
  async function recordOutcomes(reply: FastifyReply, items: Array<{ predictionId: string; label: string | 0 | 1; observedAt?: string }>, apiKeyId: string, allowedModelIds: string[] | null) {
    const found = await getPredictionsForOutcome(options.db, [...new Set(items.map((item) => item.predictionId))]);
    const byId = new Map(found.map((prediction) => [prediction.id, prediction]));
    const errors: Array<{ field: string; message: string }> = [];
    const rows = items.flatMap((item, index) => {
      const prediction = byId.get(item.predictionId);
      if (!prediction || (allowedModelIds && !allowedModelIds.includes(prediction.modelId))) {
        errors.push({ field: `outcomes.${index}.predictionId`, message: `no prediction ${item.predictionId}` });
        return [];
      }
      const schema = ZOutputSchema.safeParse(prediction.outputSchema);
      const positive = schema.success ? schema.data.positiveLabel : "positive";
      const negative = schema.success ? schema.data.negativeLabel : "negative";
      const labelValue = item.label === 1 || item.label === positive ? 1 : item.label === 0 || item.label === negative ? 0 : null;
      if (labelValue === null) {
        errors.push({ field: `outcomes.${index}.label`, message: `label must be '${positive}' or '${negative}' (or 1 / 0)` });
        return [];
      }
      return [{
        predictionId: prediction.id, predictionCreatedAt: prediction.createdAt, modelId: prediction.modelId, label: labelValue ? positive : negative, labelValue,
        source: "api" as const, apiKeyId, observedAt: item.observedAt ? new Date(item.observedAt) : new Date(),
      }];
    });
    if (errors.length > 0) {
      const status = errors.every((error) => error.message.startsWith("no prediction")) && items.length === 1 ? 404 : 422;
      return reply.code(status).send({ error: status === 404 ? "unknown_prediction" : "invalid_input", message: "Nothing was recorded.", errors });
    }
    const duplicates = await options.db.transaction((tx) => insertOutcomes(tx, rows));
    return { recorded: rows.length - duplicates.length, alreadyRecorded: duplicates };
  }

  app.post<{ Params: { id: string } }>("/api/v1/predictions/:id/outcome", async (request, reply) => {
    const caller = await authenticate(request, reply, "outcomes");
    if (!caller) return reply;
    const id = z.uuid().safeParse(request.params.id);
    if (!id.success) return reply.code(404).send({ error: "unknown_prediction", message: `no prediction ${request.params.id}` });
    const body = ZOutcome.safeParse(request.body);
    if (!body.success) return sendValidationError(reply, "The outcome is not valid.", zodDetails(body.error));
    return recordOutcomes(reply, [{ ...body.data, predictionId: id.data }], caller.apiKeyId, caller.modelIds);
  });

  app.post("/api/v1/outcomes", async (request, reply) => {
    const caller = await authenticate(request, reply, "outcomes");
    if (!caller) return reply;
    const body = ZBulkOutcomes.safeParse(request.body);
    if (!body.success) return sendValidationError(reply, "The outcomes are not valid; nothing was recorded.", zodDetails(body.error));
    return recordOutcomes(reply, body.data.outcomes, caller.apiKeyId, caller.modelIds);
  });

  app.get<{ Params: { id: string } }>("/api/v1/predictions/:id", async (request, reply) => {
    const caller = await authenticate(request, reply, "predict");
    if (!caller) return reply;
    const id = z.uuid().safeParse(request.params.id);
    const row = id.success ? await getPredictionStatus(options.db, id.data) : null;
    if (!row || (caller.modelIds && !caller.modelIds.includes(row.model_id))) {
      return reply.code(404).send({ error: "unknown_prediction", message: `no prediction ${request.params.id}` });
    }
    const decided = row.review_status === "decided";
    return {
      predictionId: row.id,
      requestId: row.request_id,
      model: row.model_slug,
      modelVersion: row.model_version,
      role: row.role,
      probability: row.probability,
      modelLabel: row.label,
      review: row.review_status
        ? { status: decided ? "decided" : "pending", reason: row.review_reason, decision: row.decision, decidedBy: row.decided_by, decidedAt: row.decided_at ? new Date(row.decided_at).toISOString() : null }
        : null,
      // Pending while a person still has to decide; otherwise the reviewer's label, or the model's.
      status: row.review_status && !decided ? "pending" : "decided",
      finalLabel: row.review_status && !decided ? null : (row.final_label ?? row.label),
      outcome: row.outcome_label ? { label: row.outcome_label, source: row.outcome_source } : null,
    };
  });

  app.get("/metrics", async (_request, reply) => {
    reply.header("content-type", metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}

import { v7 as timeOrderedUuid } from "uuid";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { encodeInstance } from "@/lib/registry";
import { createInferenceBatcher } from "./batcher";
import { runVersion, type TEncodedInstance } from "./predict";
import type { TLoadedVersion } from "./serving-state";
import { answerBatch, sendValidationError, zodDetails, type TInferenceRouteOptions } from "./route-helpers";

// An instance is checked as a plain object only: encodeInstance reads and validates each feature, so
// copying every key through a record schema first would be work done twice per request.
const ZInstance = z.custom<Record<string, unknown>>((value) => typeof value === "object" && value !== null && !Array.isArray(value), {
  error: "must be an object (feature name → value)",
});
const ZPredictBody = z.object({
  instances: z
    .array(ZInstance, { error: "instances must be a list of objects (feature name → value)" })
    .min(1, "instances must not be empty"),
  requestId: z.string().min(1).max(200).optional(),
});

/** Feature JSON: `POST /api/v1/models/:name/predict` with instances named by feature. */
export function registerPredictRoutes(app: FastifyInstance, options: TInferenceRouteOptions) {
  const { state, authenticate, maxBatchInstances } = options;
  const batcher = createInferenceBatcher<TLoadedVersion>({
    run: runVersion,
    onRun: (rows) => options.metrics.inferenceBatchRows.observe(rows),
  });

  app.post<{ Params: { name: string } }>("/api/v1/models/:name/predict", async (request, reply) => {
    const receivedAt = performance.now();
    const model = state.get(request.params.name);
    if (!model) return reply.code(404).send({ error: "unknown_model", message: `No model named '${request.params.name}' is served here.` });
    const caller = await authenticate(request, reply, "predictions.create", model.modelId);
    if (!caller) return reply;
    const body = ZPredictBody.safeParse(request.body);
    if (!body.success) return sendValidationError(reply, "The request body is not valid.", zodDetails(body.error));
    if (body.data.instances.length > maxBatchInstances) {
      return reply.code(413).send({
        error: "batch_too_large",
        message: `At most ${maxBatchInstances} instances per request; this one has ${body.data.instances.length}.`,
      });
    }
    const inputSchema = model.inputSchema;
    if (!inputSchema)
      return reply.code(503).send({ error: "model_unavailable", message: `Model '${model.slug}' has no deployed version yet.` });

    const encoded: TEncodedInstance[] = [];
    const errors: Array<{ instance: number; field: string; message: string }> = [];
    body.data.instances.forEach((instance, index) => {
      const result = encodeInstance({ schema: inputSchema, instance });
      if (result.ok) {
        const values: TEncodedInstance["values"] = {};
        for (const [name, value] of Object.entries(instance))
          if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") values[name] = value;
        encoded.push({ tensorRow: result.tensorRow, inputRow: result.inputRow, values, attributes: result.attributes });
      } else {
        errors.push(...result.errors.map((error) => ({ instance: index, field: error.field, message: error.message })));
      }
    });
    if (errors.length > 0) return sendValidationError(reply, `${errors.length} field(s) are not valid; nothing was recorded.`, errors);

    const baseId = body.data.requestId;
    const requestIds = encoded.map((_, index) => (baseId ? (encoded.length > 1 ? `${baseId}:${index}` : baseId) : timeOrderedUuid()));
    const results = await answerBatch(options, {
      model,
      instances: encoded,
      requestIds,
      requestIdsGenerated: baseId === undefined,
      runRows: batcher.run,
      apiKeyId: caller.apiKeyId,
      receivedAt,
    });
    return { model: model.slug, predictions: results };
  });
}

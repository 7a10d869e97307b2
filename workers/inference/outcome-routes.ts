import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { getPredictionStatus, getPredictionsForOutcome, insertOutcomes } from "@/db/queries/outcomes";
import { ZOutputSchema } from "@/lib/registry";
import { ZInstant } from "@/lib/validation/edge";
import { sendValidationError, zodDetails, type TInferenceRouteOptions } from "./route-helpers";

const ZOutcome = z.object({
  label: z.union([z.string().min(1), z.literal(0), z.literal(1)], { error: "label must be the positive or negative label (or 1 / 0)" }),
  observedAt: ZInstant.optional(),
  // The business value of the outcome (revenue, loss, conversion 0/1) that A/B panels compare; JSON's 1e400 parses to Infinity.
  value: z.number({ error: "value must be a number" }).refine(Number.isFinite, "value must be a finite number").optional(),
});
const ZBulkOutcomes = z.object({
  outcomes: z
    .array(ZOutcome.extend({ predictionId: z.uuid({ error: "predictionId must be a prediction id (uuid)" }) }))
    .min(1)
    .max(1000),
});

/** Outcomes (true labels) for recorded predictions, one or in bulk, and a prediction's status. */
export function registerOutcomeRoutes(app: FastifyInstance, { db, authenticate }: Pick<TInferenceRouteOptions, "db" | "authenticate">) {
  async function recordOutcomes(
    reply: FastifyReply,
    items: Array<{ predictionId: string; label: string | 0 | 1; observedAt?: string; value?: number }>,
    apiKeyId: string,
    allowedModelIds: string[] | null,
  ) {
    const found = await getPredictionsForOutcome(db, [...new Set(items.map((item) => item.predictionId))]);
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
      return [
        {
          predictionId: prediction.id,
          predictionCreatedAt: prediction.createdAt,
          modelId: prediction.modelId,
          label: labelValue ? positive : negative,
          labelValue,
          source: "api" as const,
          apiKeyId,
          observedAt: item.observedAt ? new Date(item.observedAt) : new Date(),
          value: item.value ?? null,
        },
      ];
    });
    if (errors.length > 0) {
      const status = errors.every((error) => error.message.startsWith("no prediction")) && items.length === 1 ? 404 : 422;
      return reply
        .code(status)
        .send({ error: status === 404 ? "unknown_prediction" : "invalid_input", message: "Nothing was recorded.", errors });
    }
    const duplicates = await db.transaction((tx) => insertOutcomes(tx, rows));
    return { recorded: rows.length - duplicates.length, alreadyRecorded: duplicates };
  }

  app.post<{ Params: { id: string } }>("/api/v1/predictions/:id/outcome", async (request, reply) => {
    const caller = await authenticate(request, reply, "outcomes.create");
    if (!caller) return reply;
    const id = z.uuid().safeParse(request.params.id);
    if (!id.success) return reply.code(404).send({ error: "unknown_prediction", message: `no prediction ${request.params.id}` });
    const body = ZOutcome.safeParse(request.body);
    if (!body.success) return sendValidationError(reply, "The outcome is not valid.", zodDetails(body.error));
    return recordOutcomes(reply, [{ ...body.data, predictionId: id.data }], caller.apiKeyId, caller.modelIds);
  });

  app.post("/api/v1/outcomes", async (request, reply) => {
    const caller = await authenticate(request, reply, "outcomes.create");
    if (!caller) return reply;
    const body = ZBulkOutcomes.safeParse(request.body);
    if (!body.success) return sendValidationError(reply, "The outcomes are not valid; nothing was recorded.", zodDetails(body.error));
    return recordOutcomes(reply, body.data.outcomes, caller.apiKeyId, caller.modelIds);
  });

  app.get<{ Params: { id: string } }>("/api/v1/predictions/:id", async (request, reply) => {
    const caller = await authenticate(request, reply, "predictions.create");
    if (!caller) return reply;
    const id = z.uuid().safeParse(request.params.id);
    const row = id.success ? await getPredictionStatus(db, id.data) : null;
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
        ? {
            status: decided ? "decided" : "pending",
            reason: row.review_reason,
            decision: row.decision,
            decidedBy: row.decided_by,
            decidedAt: row.decided_at ? new Date(row.decided_at).toISOString() : null,
          }
        : null,
      // Pending while a person still has to decide; otherwise the reviewer's label, or the model's.
      status: row.review_status && !decided ? "pending" : "decided",
      finalLabel: row.review_status && !decided ? null : (row.final_label ?? row.label),
      outcome: row.outcome_label ? { label: row.outcome_label, source: row.outcome_source, value: row.outcome_value } : null,
    };
  });
}

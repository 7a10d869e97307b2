import type { FastifyInstance } from "fastify";
import { findJsonProblem, textProblem } from "@/lib/validation/edge";
import { registerOipRoutes } from "./oip-routes";
import { registerOutcomeRoutes } from "./outcome-routes";
import { registerPredictRoutes } from "./predict-routes";
import type { TInferenceRouteOptions } from "./route-helpers";

/** Registers the worker's inference API: feature JSON, Open Inference Protocol (KServe V2), outcomes, and `/metrics`. */
export function registerInferenceRoutes(app: FastifyInstance, options: TInferenceRouteOptions) {
  // The edge normaliser, before any route reads the request: deep nesting (400), NUL bytes, lone
  // surrogates or non-finite numbers anywhere in the body or path (422 naming the field).
  // A callback hook (no promise per request): it either answers or calls done, never both.
  app.addHook("preHandler", (request, reply, done) => {
    for (const [name, value] of Object.entries((request.params ?? {}) as Record<string, string>)) {
      const problem = textProblem(value);
      if (problem) {
        reply.code(404).send({ error: "not_found", message: `The path parameter ${name} ${problem}.` });
        return;
      }
    }
    const problem = findJsonProblem(request.body);
    if (problem) {
      reply.code(problem.tooDeep ? 400 : 422).send({
        error: problem.tooDeep ? "too_deep" : "invalid_input",
        message: `${problem.field} ${problem.message}; nothing was recorded.`,
        errors: [{ field: problem.field, message: problem.message }],
      });
      return;
    }
    done();
  });
  registerPredictRoutes(app, options);
  registerOipRoutes(app, options);
  registerOutcomeRoutes(app, options);
  app.get("/metrics", async (_request, reply) => {
    reply.header("content-type", options.metrics.registry.contentType);
    return options.metrics.registry.metrics();
  });
}

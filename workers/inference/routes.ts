import type { FastifyInstance } from "fastify";
import { registerOipRoutes } from "./oip-routes";
import { registerOutcomeRoutes } from "./outcome-routes";
import { registerPredictRoutes } from "./predict-routes";
import type { TInferenceRouteOptions } from "./route-helpers";

/** Registers the worker's inference API: feature JSON, Open Inference Protocol (KServe V2), outcomes, and `/metrics`. */
export function registerInferenceRoutes(app: FastifyInstance, options: TInferenceRouteOptions) {
  registerPredictRoutes(app, options);
  registerOipRoutes(app, options);
  registerOutcomeRoutes(app, options);
  app.get("/metrics", async (_request, reply) => {
    reply.header("content-type", options.metrics.registry.contentType);
    return options.metrics.registry.metrics();
  });
}

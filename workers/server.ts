import Fastify, { type FastifyInstance } from "fastify";
import { sql } from "drizzle-orm";
import type { TDatabase } from "@/db/connection";

/** The worker's HTTP server. Inference routes are added by the inference module. */
export function buildWorkerServer(options: { db: TDatabase; logLevel: string; isReady: () => boolean }): FastifyInstance {
  const app = Fastify({ logger: { level: options.logLevel, name: "oversight-worker" }, disableRequestLogging: true });

  // Liveness: the process answers. Readiness: it can reach the database and has loaded its state.
  app.get("/health", async () => ({ status: "ok" }));
  app.get("/ready", async (_request, reply) => {
    try {
      await options.db.execute(sql`select 1`);
    } catch {
      return reply.code(503).send({ status: "unavailable", reason: "database unreachable" });
    }
    if (!options.isReady()) return reply.code(503).send({ status: "starting" });
    return { status: "ready" };
  });
  return app;
}

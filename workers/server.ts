import Fastify, { LogController, type FastifyInstance } from "fastify";
import { isDatabaseUnavailableError, type TDatabase } from "@/db/connection";
import { pingDatabase } from "@/db/queries/health";
import { formatMiB } from "@/lib/validation/edge";

/** The worker's HTTP server: health, readiness and a JSON error shape; routes are added by modules. */
export function buildWorkerServer(options: {
  db: TDatabase;
  logLevel: string;
  isReady: () => boolean;
  bodyLimitBytes?: number;
  /** Where log lines go (standard output by default; tests read them). */
  logStream?: NodeJS.WritableStream;
}): FastifyInstance {
  const bodyLimitBytes = options.bodyLimitBytes ?? 1024 * 1024;
  const app = Fastify({
    logger: {
      level: options.logLevel,
      name: "oversight-worker",
      redact: ["req.headers.authorization", 'req.headers["x-api-key"]'],
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    // No line per request: the routes log what matters (fastify 5.12 moved this option into a LogController).
    logController: new LogController({ disableRequestLogging: true }),
    // Fastify counts the bytes as they arrive and stops at the limit, whatever Content-Length says.
    bodyLimit: bodyLimitBytes,
  });

  // Every answer is data for programs: never sniffed into something runnable, never framed.
  // A callback hook, not an async one: no promise per request for two headers.
  app.addHook("onRequest", (_request, reply, done) => {
    reply.header("x-content-type-options", "nosniff").header("content-security-policy", "default-src 'none'; frame-ancestors 'none'");
    done();
  });

  // Malformed JSON, a wrong content type or an oversized body: a 4xx that says which, never a stack.
  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    // An outage is not the caller's fault nor a bug: 503, and a retry with the same requestId is answered once.
    if (status === 500 && isDatabaseUnavailableError(error)) {
      request.log.warn({ err: error, url: request.url }, "database unavailable");
      return reply.code(503).header("retry-after", "1").send({
        error: "database_unavailable",
        message: "The database is unavailable; retry with the same requestId, which is answered once.",
      });
    }
    if (status === 500) {
      request.log.error({ err: error, url: request.url }, "request failed");
      return reply.code(500).send({ error: "internal_error", message: "The worker could not answer; nothing was recorded." });
    }
    const message =
      error.code === "FST_ERR_CTP_INVALID_JSON_BODY" || error.code === "FST_ERR_CTP_EMPTY_JSON_BODY"
        ? `The body is not valid JSON: ${error.message}`
        : error.code === "FST_ERR_CTP_BODY_TOO_LARGE"
          ? `The request body is too large; the limit is ${formatMiB(bodyLimitBytes)}.`
          : error.message;
    return reply.code(status).send({ error: error.code ?? "bad_request", message });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: "not_found", message: `No route ${request.method} ${request.url}` }),
  );

  // Liveness: the process answers. Readiness: it can reach the database and has loaded its state.
  app.get("/health", async () => ({ status: "ok" }));
  app.get("/ready", async (_request, reply) => {
    try {
      await pingDatabase(options.db);
    } catch {
      return reply.code(503).send({ status: "unavailable", reason: "database unreachable" });
    }
    if (!options.isReady()) return reply.code(503).send({ status: "starting" });
    return { status: "ready" };
  });
  return app;
}

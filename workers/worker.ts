import { closeDatabase, createDatabase, RUNTIME_STATEMENT_TIMEOUT_MS } from "@/db/connection";
import { ensurePredictionPartitions } from "@/db/writes/predictions";
import { WORKER_APPLICATION_NAME } from "./application-names";
import { workerConfig } from "./config";
import { createApiKeyAuth } from "./inference/api-key-auth";
import { createWorkerMetrics } from "./inference/metrics";
import { createRecorder } from "./inference/recorder";
import { registerInferenceRoutes } from "./inference/routes";
import { createServingState } from "./inference/serving-state";
import { startJobProcess } from "./jobs/job-process";
import { buildWorkerServer } from "./server";

const PARTITION_MAINTENANCE_MS = 6 * 60 * 60 * 1000;
// LISTEN/NOTIFY carries changes within milliseconds; the poll only covers a lost notification.
const DEPLOYMENT_POLL_MS = 15_000;

/**
 * Starts the worker: the inference API, deployment reloads on NOTIFY, partition upkeep and the job
 * runner, until SIGTERM or SIGINT. `discardPredictionsForBenchmark` is for `npm run bench:serve`'s
 * audit-off comparison only (its own entry, scripts/bench/discarding-worker.ts): nothing is recorded.
 */
export async function runWorker(options: { discardPredictionsForBenchmark?: boolean } = {}) {
  const config = workerConfig();
  const db = createDatabase(config.databaseUrl, {
    applicationName: WORKER_APPLICATION_NAME,
    maxConnections: 10,
    statementTimeoutMs: RUNTIME_STATEMENT_TIMEOUT_MS,
  });
  let ready = false;
  const server = buildWorkerServer({ db, logLevel: config.logLevel, isReady: () => ready });
  const metrics = createWorkerMetrics();
  const state = createServingState({ db, log: server.log });
  const discardForBenchmark = options.discardPredictionsForBenchmark ?? false;
  if (discardForBenchmark) server.log.warn("benchmark worker: predictions are NOT recorded");
  const recorder = createRecorder({
    db,
    onFlush: (rows, seconds, waitedSeconds) => {
      metrics.batchSize.observe(rows);
      metrics.commitSeconds.observe(seconds);
      for (const waited of waitedSeconds) metrics.recordWaitSeconds.observe(waited);
    },
    discardForBenchmark,
  });
  registerInferenceRoutes(server, {
    db,
    state,
    recorder,
    metrics,
    authenticate: createApiKeyAuth(db),
    maxBatchInstances: config.maxBatchInstances,
  });

  // Months of the predictions table are prepared ahead, so inserts never land in the default partition.
  const preparePartitions = () => ensurePredictionPartitions(db, 2);
  await preparePartitions();
  const maintenance = setInterval(
    () => preparePartitions().catch((error) => server.log.error({ err: error }, "partition maintenance failed")),
    PARTITION_MAINTENANCE_MS,
  );

  const reload = (modelId?: string) =>
    state.reload(modelId).catch((error) => server.log.error({ err: error, modelId }, "could not reload deployments"));
  // onlisten runs at every (re)connection: re-read everything, since notifications may have been missed.
  const subscription = await db.$client.listen(
    "deployment_changed",
    (modelId) => void reload(modelId),
    () => void reload(),
  );
  await reload();
  const poll = setInterval(() => void reload(), DEPLOYMENT_POLL_MS);

  // Jobs run in a process of their own, so none of them holds up a request.
  const jobs = await startJobProcess(server.log);

  await server.listen({ port: config.port, host: config.host });
  ready = true;
  server.log.info({ port: config.port, models: state.list().map((model) => model.slug) }, "worker ready");

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.log.info({ signal }, "shutting down");
    ready = false;
    clearInterval(maintenance);
    clearInterval(poll);
    // Stop taking requests, let answered ones finish committing, then close the pool.
    await server.close();
    await recorder.drain();
    await jobs.stop();
    await subscription.unlisten().catch(() => {});
    await closeDatabase(db);
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

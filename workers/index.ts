import { sql } from "drizzle-orm";
import { closeDatabase, createDatabase } from "@/db/connection";
import { readWorkerConfig } from "./config";
import { buildWorkerServer } from "./server";

const PARTITION_MAINTENANCE_MS = 6 * 60 * 60 * 1000;

async function main() {
  const config = readWorkerConfig(process.env);
  const db = createDatabase(config.databaseUrl, { applicationName: "oversight-worker" });
  let ready = false;
  const server = buildWorkerServer({ db, logLevel: config.logLevel, isReady: () => ready });

  // Months of the predictions table are prepared ahead, so inserts never land in the default partition.
  const preparePartitions = () => db.execute(sql`select oversight_ensure_prediction_partitions(2)`);
  await preparePartitions();
  const maintenance = setInterval(() => preparePartitions().catch((error) => server.log.error({ err: error }, "partition maintenance failed")), PARTITION_MAINTENANCE_MS);

  await server.listen({ port: config.port, host: config.host });
  ready = true;

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.log.info({ signal }, "shutting down");
    ready = false;
    clearInterval(maintenance);
    await server.close();
    await closeDatabase(db);
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error) => {
  console.error(`worker failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

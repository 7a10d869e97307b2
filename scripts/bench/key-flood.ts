/**
 * `npm run bench:key-flood`: the worker's memory under a flood of invalid API keys. Starts the
 * real worker, sends 20,000 requests with random 8 KB keys and then 20,000 with random keys of a
 * real key's shape (each one a database lookup), and prints the worker's resident set size
 * (VmRSS from /proc) before and after each. The key caches are bounded LRUs, so RSS should stay
 * flat; before they were, 20,000 random 8 KB keys took the worker from 139 MB to 455 MB.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { closeDatabase, createDatabase } from "@/db/connection";
import { createApiKey } from "@/db/queries/api-keys";
import { createTestDatabase, openDatabaseServer } from "../lib/database";
import { seedDemo } from "../seed/demo-seed";
import { startWorkerProcess } from "../testing/worker-process";

const KEYS = Number(process.env.FLOOD_KEYS ?? 20_000);
const CONCURRENCY = 50;

function residentMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kibibytes = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  return kibibytes / 1024;
}

async function flood(url: string, makeKey: () => string): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let sent = 0;
  const client = async () => {
    while (sent < KEYS) {
      sent += 1;
      const response = await fetch(`${url}/api/v1/models/credit-default/predict`, {
        method: "POST",
        headers: { authorization: `Bearer ${makeKey()}`, "content-type": "application/json" },
        body: JSON.stringify({ instances: [{}] }),
      });
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  return statuses;
}

async function main() {
  const server = await openDatabaseServer({ dataDirName: "test-pg", port: Number(process.env.TEST_EMBEDDED_PG_PORT ?? 54339) });
  const database = await createTestDatabase(server, "keyflood");
  const db = createDatabase(database.url, { maxConnections: 2 });
  let worker: Awaited<ReturnType<typeof startWorkerProcess>> | undefined;
  try {
    await seedDemo(db);
    const validKey = (await createApiKey(db, { name: "bench", scopes: ["predict"], modelIds: null, createdBy: null })).key;
    worker = await startWorkerProcess({ databaseUrl: database.url, env: { LOG_LEVEL: "error" } });
    const pid = worker.process.child.pid!;
    // Warm-up with the valid key: JIT, pools and sessions, so the figures measure the flood only.
    await fetch(`${worker.url}/api/v1/models/credit-default/predict`, {
      method: "POST",
      headers: { authorization: `Bearer ${validKey}`, "content-type": "application/json" },
      body: "{}",
    });
    const before = residentMiB(pid);
    console.log(`worker RSS before: ${before.toFixed(0)} MiB`);
    const long = await flood(worker.url, () => randomBytes(6_144).toString("base64url"));
    const afterLong = residentMiB(pid);
    console.log(`after ${KEYS} random 8 KB keys: ${afterLong.toFixed(0)} MiB (statuses ${JSON.stringify(Object.fromEntries(long))})`);
    const shaped = await flood(worker.url, () => `ovk_${randomBytes(32).toString("base64url")}`);
    const afterShaped = residentMiB(pid);
    console.log(
      `after ${KEYS} random keys of a real key's shape: ${afterShaped.toFixed(0)} MiB (statuses ${JSON.stringify(Object.fromEntries(shaped))})`,
    );
    const check = await fetch(`${worker.url}/api/v1/models/credit-default/predict`, {
      method: "POST",
      headers: { authorization: `Bearer ${validKey}`, "content-type": "application/json" },
      body: "{}",
    });
    console.log(`the valid key afterwards: HTTP ${check.status} (422 = authenticated, body refused)`);
  } finally {
    await worker?.stop();
    await closeDatabase(db);
    await database.drop();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

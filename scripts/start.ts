/**
 * `npm start`: the whole product on one machine. Starts PostgreSQL (embedded unless
 * DATABASE_URL is set), migrates, seeds the demo once, builds the app if needed, then runs the
 * worker and the web app until Ctrl-C / SIGTERM, which stops everything cleanly.
 */
import fs from "node:fs";
import path from "node:path";
import { closeDatabase, createDatabase } from "@/db/connection";
import { ensureDatabase } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { ensureProductionBuild } from "./lib/build";
import { openDatabaseServer } from "./lib/database";
import { startProcess, stopProcess, waitForHttp, type TManagedProcess } from "./lib/processes";
import { localSecret } from "./lib/secrets";
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from "./seed/demo-seed";
import { seedDemoTraffic } from "./seed/demo-traffic";

const log = (line: string) => console.log(`[oversight] ${line}`);

async function main() {
  const startedAt = Date.now();
  const port = Number(process.env.PORT ?? 3000);
  const workerPort = Number(process.env.WORKER_PORT ?? 3001);
  const server = await openDatabaseServer({ dataDirName: "pg", port: Number(process.env.EMBEDDED_PG_PORT ?? 54329) });
  log(server.embedded ? "Embedded PostgreSQL is running (data in .data/pg)." : "Using the database in DATABASE_URL.");
  const databaseUrl = process.env.DATABASE_URL ?? server.urlFor("oversight");
  if (server.embedded) await ensureDatabase(server.adminUrl, "oversight");

  const db = createDatabase(databaseUrl, { maxConnections: 2 });
  await runMigrations(db);
  const seed = await seedDemo(db);
  // Two days of past traffic on the first start, so the monitoring pages open with history.
  if (seed.seeded) log(`Seeded ${await seedDemoTraffic(db)} past predictions.`);
  await closeDatabase(db);
  const apiKeyFile = path.resolve(".data", "demo-api-key");
  if (seed.apiKey) {
    fs.mkdirSync(path.dirname(apiKeyFile), { recursive: true });
    fs.writeFileSync(apiKeyFile, seed.apiKey, { mode: 0o600 });
    log("Seeded the demo data.");
  }

  await ensureProductionBuild(log);

  const url = process.env.NEXTAUTH_URL ?? `http://localhost:${port}`;
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    NEXTAUTH_URL: url,
    NEXTAUTH_SECRET: localSecret("nextauth", process.env.NEXTAUTH_SECRET),
    WORKER_PORT: String(workerPort),
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const children: TManagedProcess[] = [
    startProcess({ name: "worker", command: process.execPath, args: ["--import", "tsx", "workers/index.ts"], env }),
    startProcess({ name: "web", command: path.resolve("node_modules/.bin/next"), args: ["start", "-p", String(port)], env }),
  ];

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log("Stopping…");
    await Promise.all(children.map((child) => stopProcess(child)));
    await server.stop();
    log("Stopped.");
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  for (const child of children) {
    void child.exited.then((code) => {
      if (!stopping) {
        console.error(`[oversight] ${child.name} exited unexpectedly (code ${code}); stopping the rest.`);
        void shutdown(1);
      }
    });
  }

  await waitForHttp(`${url}/signin`, 60_000);
  const apiKey = fs.existsSync(apiKeyFile) ? fs.readFileSync(apiKeyFile, "utf8").trim() : null;
  // Demo traffic keeps every dashboard moving; SIMULATE=0 turns it off.
  const simulate = process.env.SIMULATE !== "0" && apiKey !== null;
  if (simulate) {
    await waitForHttp(`http://127.0.0.1:${workerPort}/ready`, 30_000);
    children.push(
      startProcess({
        name: "simulate",
        command: process.execPath,
        args: [
          "--import",
          "tsx",
          "scripts/simulate.ts",
          "--rate",
          process.env.SIMULATE_RATE ?? "2",
          "--drift-after",
          process.env.SIMULATE_DRIFT_AFTER ?? "900",
          "--quiet",
        ],
        env: { ...env, WORKER_URL: `http://127.0.0.1:${workerPort}`, OVERSIGHT_API_KEY: apiKey },
      }),
    );
  }
  console.log(
    [
      "",
      `  Oversight is running at ${url}  (ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s)`,
      `  Worker: http://localhost:${workerPort}  (/health, /ready)`,
      "",
      `  Demo accounts (password: ${DEMO_PASSWORD})`,
      ...DEMO_USERS.map((user) => `    ${user.email.padEnd(28)} ${user.roles.join(", ")}`),
      "",
      `  Demo API key: ${apiKey ?? "(only shown on the first start; see .data/demo-api-key)"}`,
      simulate ? "  Demo traffic: 2 requests/s from the simulator (SIMULATE=0 turns it off); a drift episode starts after 15 min." : "",
      "  Press Ctrl-C to stop.",
      "",
    ].join("\n"),
  );
}

main().catch((error) => {
  console.error(`[oversight] could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

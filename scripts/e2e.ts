/**
 * `npm run test:e2e`: a fresh database (DATABASE_URL's server or the embedded one), the demo
 * seed, a production build, the worker and the web server (scripts/web-server.ts) on test ports, then Playwright in
 * Debian's Chromium. Everything it started is stopped and the database dropped at the end.
 */
import path from "node:path";
import { closeDatabase, createDatabase } from "@/db/connection";
import { ensureProductionBuild } from "./lib/build";
import { createTestDatabase, openDatabaseServer } from "./lib/database";
import { startProcess, stopProcess, waitForHttp, workerNodeArgs, type TManagedProcess } from "./lib/processes";
import { seedDemo } from "./seed/demo-seed";

const log = (line: string) => console.log(`[e2e] ${line}`);

async function main(): Promise<number> {
  const port = Number(process.env.E2E_PORT ?? 3100);
  const workerPort = Number(process.env.E2E_WORKER_PORT ?? 3101);
  const server = await openDatabaseServer({ dataDirName: "test-pg", port: Number(process.env.TEST_EMBEDDED_PG_PORT ?? 54339) });
  const database = await createTestDatabase(server, "e2e");
  const children: TManagedProcess[] = [];
  try {
    const db = createDatabase(database.url, { maxConnections: 1 });
    const seed = await seedDemo(db);
    await closeDatabase(db);
    await ensureProductionBuild(log);

    const baseUrl = `http://localhost:${port}`;
    const env = {
      ...process.env,
      // The app and the worker connect as the runtime role, as in `npm start`.
      DATABASE_URL: database.runtimeUrl,
      NEXTAUTH_URL: baseUrl,
      NEXTAUTH_SECRET: "e2e-secret-not-for-production",
      WORKER_PORT: String(workerPort),
      NEXT_TELEMETRY_DISABLED: "1",
      LOG_LEVEL: "warn",
      // Monitoring passes every 3 s instead of every minute, so the drift e2e sees its windows quickly.
      MONITOR_INTERVAL_MS: "3000",
      // Its requests commit within milliseconds: a pass may read them a second after their stamp.
      MONITOR_SETTLED_MS: "1000",
    };
    children.push(startProcess({ name: "worker", command: process.execPath, args: workerNodeArgs(), env }));
    children.push(
      startProcess({
        name: "web",
        command: process.execPath,
        args: ["--import", "tsx", "scripts/web-server.ts", "--port", String(port), "--host", "127.0.0.1"],
        env,
      }),
    );
    await waitForHttp(`${baseUrl}/signin`, 60_000);
    await waitForHttp(`http://127.0.0.1:${workerPort}/health`, 30_000);

    const playwright = startProcess({
      name: "playwright",
      command: path.resolve("node_modules/.bin/playwright"),
      args: ["test", "-c", "e2e/playwright.config.ts", ...process.argv.slice(2)],
      // The tests act as the owner (they set up and tamper with data on purpose); the app and the worker run as the runtime role.
      env: {
        ...env,
        DATABASE_URL: database.url,
        E2E_RUNTIME_DATABASE_URL: database.runtimeUrl,
        E2E_BASE_URL: baseUrl,
        E2E_WORKER_URL: `http://127.0.0.1:${workerPort}`,
        E2E_API_KEY: seed.apiKey ?? "",
      },
    });
    return (await playwright.exited) ?? 1;
  } finally {
    await Promise.all(children.map((child) => stopProcess(child)));
    await database.drop();
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`[e2e] ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);

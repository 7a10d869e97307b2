import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { closeDatabase, createDatabase, isDatabaseUnavailableError } from "@/db/connection";
import { createApiKey } from "@/db/queries/api-keys";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase, resetDemoDeployment } from "@/scripts/testing/database";
import { startTcpProxy, type TTcpProxy } from "@/scripts/testing/tcp-proxy";
import { startWorkerProcess } from "@/scripts/testing/worker-process";
import { creditInstance } from "@/scripts/testing/credit-instance";

const { db, close } = openTestDatabase();
let proxy: TTcpProxy;
let proxiedUrl: string;

beforeAll(async () => {
  const direct = new URL(inject("databaseUrl"));
  proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  direct.port = String(proxy.port);
  proxiedUrl = direct.toString();
});
afterAll(async () => {
  await proxy.stop();
  await close();
});

/** Runs `attempt` until it succeeds; returns how long that took. */
async function msUntilSuccess(attempt: () => Promise<unknown>, timeoutMs: number): Promise<number> {
  const startedAt = performance.now();
  for (;;) {
    try {
      await attempt();
      return performance.now() - startedAt;
    } catch (error) {
      if (performance.now() - startedAt > timeoutMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

it("a pool fails fast while the database is unreachable and works again at once when it returns", async () => {
  const pool = createDatabase(proxiedUrl, { maxConnections: 4, statementTimeoutMs: 2_000, connectTimeoutSeconds: 2 });
  try {
    await Promise.all([1, 2, 3, 4].map(() => pool.$client`select pg_sleep(0.05)`));
    await proxy.stop();

    const failuresMs: number[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const startedAt = performance.now();
      const error = await pool.$client`select 1`.then(
        () => null,
        (caught: unknown) => caught,
      );
      failuresMs.push(performance.now() - startedAt);
      expect(isDatabaseUnavailableError(error)).toBe(true);
    }
    await proxy.start();
    const recoveryMs = await msUntilSuccess(() => pool.$client`select 1`, 10_000);
    // All four pooled connections were cut; each must reconnect, not wait out postgres.js's growing backoff.
    const allConnectionsMs = await msUntilSuccess(() => Promise.all([1, 2, 3, 4].map(() => pool.$client`select pg_sleep(0.05)`)), 10_000);
    console.log(
      `during the outage each query failed in ${failuresMs.map((ms) => ms.toFixed(0)).join(", ")} ms; ` +
        `after it, the first query succeeded in ${recoveryMs.toFixed(0)} ms and all four connections in ${allConnectionsMs.toFixed(0)} ms`,
    );
    // The connect timeout is 2 s; postgres.js's reconnection backoff is capped at 1 s here.
    expect(Math.max(...failuresMs)).toBeLessThan(2_000 + 1_000 + 1_000);
    expect(recoveryMs + allConnectionsMs).toBeLessThan(3_000);
  } finally {
    await proxy.start().catch(() => {});
    await closeDatabase(pool);
  }
});

it("a statement that outruns statement_timeout fails as 'unavailable', not as a bug", async () => {
  const pool = createDatabase(inject("databaseUrl"), { maxConnections: 1, statementTimeoutMs: 200 });
  try {
    const error = await pool.$client`select pg_sleep(2)`.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect((error as { code?: string }).code).toBe("57014");
    expect(isDatabaseUnavailableError(error)).toBe(true);
    expect(isDatabaseUnavailableError(new Error("syntax error"))).toBe(false);
  } finally {
    await closeDatabase(pool);
  }
});

it("the worker answers 503 with a clear error during an outage, and 200 once the database is back", async () => {
  await seedDemo(db);
  await resetDemoDeployment(db);
  const apiKey = (await createApiKey(db, { name: "outage test", scopes: ["predict"], modelIds: null, createdBy: null })).key;
  const worker = await startWorkerProcess({ databaseUrl: proxiedUrl });
  const predict = () =>
    fetch(`${worker.url}/api/v1/models/credit-default/predict`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ instances: [creditInstance(0)] }),
    });
  try {
    expect((await predict()).status).toBe(200);
    await proxy.stop();
    const startedAt = performance.now();
    const response = await predict();
    const failedInMs = performance.now() - startedAt;
    const body = await response.json();
    console.log(`during the outage the worker answered ${response.status} in ${failedInMs.toFixed(0)} ms: ${JSON.stringify(body)}`);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(body.error).toBe("database_unavailable");
    await proxy.start();
    const recoveryMs = await msUntilSuccess(async () => {
      const again = await predict();
      if (again.status !== 200) throw new Error(`status ${again.status}`);
    }, 10_000);
    console.log(`after the outage the worker answered 200 within ${recoveryMs.toFixed(0)} ms`);
    expect(recoveryMs).toBeLessThan(3_000);
  } finally {
    await proxy.start().catch(() => {});
    await worker.stop();
  }
});

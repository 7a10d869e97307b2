import net from "node:net";
import { runtimeUrlFor } from "../lib/database";
import { startProcess, stopProcess, waitForHttp, workerNodeArgs, type TManagedProcess } from "../lib/processes";

/** A free TCP port on loopback, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Starts the real worker process (tsx workers/index.ts) and waits until it is ready. Given the
 * owner's URL, it connects as the runtime role, as `npm start` does.
 */
export async function startWorkerProcess(options: {
  databaseUrl: string;
  env?: Record<string, string>;
  /** Another entry that runs the worker (a benchmark's); workers/index.ts by default. */
  entry?: string;
}): Promise<{ url: string; process: TManagedProcess; stop: () => Promise<void> }> {
  const port = await freePort();
  const managed = startProcess({
    name: "worker",
    command: process.execPath,
    // One process (no tsx wrapper), so signals reach the worker itself.
    args: workerNodeArgs(options.entry),
    env: {
      ...process.env,
      DATABASE_URL: await runtimeUrlFor(options.databaseUrl),
      WORKER_PORT: String(port),
      LOG_LEVEL: "warn",
      ...options.env,
    },
    quiet: true,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/ready`, 30_000);
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const response = await fetch(`${url}/ready`);
    if (response.status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, process: managed, stop: () => stopProcess(managed) };
}

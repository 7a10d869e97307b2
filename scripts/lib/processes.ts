import { spawn, type ChildProcess } from "node:child_process";
import type { TRestartBackoff } from "@/lib/reliability/restart-backoff";
import { supervise } from "@/lib/reliability/supervise";

export type TManagedProcess = { name: string; child: ChildProcess; exited: Promise<number | null> };

/** Starts a child whose output lines are prefixed with its name, so interleaved logs stay readable. */
export function startProcess(options: {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  quiet?: boolean;
}): TManagedProcess {
  const child = spawn(options.command, options.args, { env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  const prefix = `[${options.name}] `;
  const forward = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
    if (options.quiet) return;
    for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) stream.write(prefix + line + "\n");
  };
  child.stdout?.on("data", forward(process.stdout));
  child.stderr?.on("data", forward(process.stderr));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { name: options.name, child, exited };
}

/** How a managed process ended, for a log line: "code 1" or "signal SIGKILL". */
export function describeExit(managed: TManagedProcess): string {
  return managed.child.signalCode ? `signal ${managed.child.signalCode}` : `code ${managed.child.exitCode}`;
}

/** SIGTERM, then SIGKILL after `graceMs` if the process is still there. */
export async function stopProcess(managed: TManagedProcess, graceMs = 10_000): Promise<void> {
  if (managed.child.exitCode !== null || managed.child.signalCode !== null) return;
  managed.child.kill("SIGTERM");
  const timer = setTimeout(() => managed.child.kill("SIGKILL"), graceMs);
  await managed.exited;
  clearTimeout(timer);
  // Let the last lines of its output through before the caller prints its own.
  if (!managed.child.stdout?.closed) await Promise.race([new Promise((resolve) => managed.child.once("close", resolve)), sleep(1_000)]);
}

/** `supervise` for a child process started by `startProcess`; `onStart` learns each new process id. */
export function superviseProcess(
  options: Parameters<typeof startProcess>[0] & { log: (line: string) => void; backoff?: TRestartBackoff; onStart?: (pid: number) => void },
) {
  return supervise({
    name: options.name,
    log: options.log,
    backoff: options.backoff,
    start: () => {
      const managed = startProcess(options);
      if (managed.child.pid) options.onStart?.(managed.child.pid);
      return { exited: managed.exited.then(() => describeExit(managed)), stop: () => stopProcess(managed) };
    },
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Resolves when `url` answers with a status below 500, or throws after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url, { redirect: "manual" });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Node's arguments for a worker process (the same in `npm start`, tests, benches and chaos runs;
 * package.json's `npm run worker` repeats the flag). A request's objects live until its group commit
 * answers, a few milliseconds: with V8's default 16 MB semi-spaces a scavenge at ~6,000 requests/s
 * found them still alive and promoted them, and garbage collection cost 7–17 µs of CPU per request;
 * with 32 MB, 6–7 µs (README, "Serving").
 */
export const workerNodeArgs = (entry = "workers/index.ts") => ["--max-semi-space-size=32", "--import", "tsx", entry];

import { spawn, type ChildProcess } from "node:child_process";
import { countCrash, DEFAULT_RESTART_BACKOFF, restartDelayMs, type TRestartBackoff } from "@/lib/reliability/restart-backoff";

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

/** Something a supervisor keeps running: `exited` resolves (with how it ended) when it dies on its own. */
export type TRunning = { exited: Promise<string>; stop: () => Promise<void> };

export type TSupervisor = {
  name: string;
  restarts: () => number;
  /** From now on an exit is expected, not a crash: call it on every supervisor before stopping any (Ctrl-C reaches all children at once). */
  expectExit: () => void;
  stop: () => Promise<void>;
};

/**
 * Keeps something running until `stop()`: when it dies on its own (or fails to start again) it is
 * started again after a capped exponential backoff (lib/reliability/restart-backoff.ts), with one
 * log line per restart. Resolves once the first start succeeded; a first start that fails throws.
 */
export async function supervise(options: {
  name: string;
  start: () => TRunning | Promise<TRunning>;
  log: (line: string) => void;
  backoff?: TRestartBackoff;
}): Promise<TSupervisor> {
  const backoff = options.backoff ?? DEFAULT_RESTART_BACKOFF;
  let current: TRunning | null = null;
  let starting: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopping = false;
  let crashes = 0;
  let restarts = 0;

  const watch = async (running: TRunning, startedAt: number) => {
    const ended = await running.exited;
    if (stopping) return;
    current = null;
    scheduleRestart(ended, Date.now() - startedAt);
  };
  const scheduleRestart = (ended: string, ranForMs: number) => {
    crashes = countCrash(crashes, ranForMs, backoff);
    const delayMs = restartDelayMs(crashes, backoff);
    options.log(`${options.name} ended (${ended}); restart ${restarts + 1} in ${(delayMs / 1000).toFixed(1)} s`);
    timer = setTimeout(() => {
      timer = null;
      restarts += 1;
      starting = restart().finally(() => (starting = null));
    }, delayMs);
  };
  const restart = async () => {
    const startedAt = Date.now();
    try {
      const running = await options.start();
      if (stopping) return void (await running.stop());
      current = running;
      void watch(running, startedAt);
    } catch (error) {
      if (!stopping) scheduleRestart(`failed to start: ${error instanceof Error ? error.message : String(error)}`, Date.now() - startedAt);
    }
  };

  const startedAt = Date.now();
  current = await options.start();
  void watch(current, startedAt);
  return {
    name: options.name,
    restarts: () => restarts,
    expectExit: () => {
      stopping = true;
      if (timer) clearTimeout(timer);
    },
    stop: async () => {
      stopping = true;
      if (timer) clearTimeout(timer);
      // A restart under way finishes first, then stops what it started.
      await starting;
      await current?.stop();
    },
  };
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

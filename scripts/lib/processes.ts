import { spawn, type ChildProcess } from "node:child_process";

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

/** SIGTERM, then SIGKILL after `graceMs` if the process is still there. */
export async function stopProcess(managed: TManagedProcess, graceMs = 10_000): Promise<void> {
  if (managed.child.exitCode !== null || managed.child.signalCode !== null) return;
  managed.child.kill("SIGTERM");
  const timer = setTimeout(() => managed.child.kill("SIGKILL"), graceMs);
  await managed.exited;
  clearTimeout(timer);
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

import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { FastifyBaseLogger } from "fastify";
import { supervise, type TSupervisor } from "@/lib/reliability/supervise";

const ENTRY = fileURLToPath(new URL("./process-entry.ts", import.meta.url));
// Long enough for a pass under way to finish its transaction.
const STOP_GRACE_MS = 30_000;

/**
 * Runs the job runner in a child process (process-entry.ts, started with this process's own node flags,
 * so through tsx as the worker is) and starts it again, with backoff, if it dies. `stop` asks it to
 * finish what it is doing and waits for it.
 */
export function startJobProcess(log: FastifyBaseLogger): Promise<TSupervisor> {
  return supervise({
    name: "job runner",
    log: (line) => log.error(line),
    start: () => {
      const child = fork(ENTRY);
      const exited = new Promise<string>((resolve) =>
        child.once("exit", (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`)),
      );
      return {
        exited,
        stop: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          if (child.connected) child.send("stop");
          else child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
          await exited;
          clearTimeout(timer);
        },
      };
    },
  });
}

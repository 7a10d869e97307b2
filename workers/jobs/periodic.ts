import type { FastifyBaseLogger } from "fastify";

/**
 * Runs `pass` once after `firstDelayMs` and then every `intervalMs`, never two at once in this
 * process (a pass still running when the next is due is skipped); a failed pass is logged and the
 * next one retries. `stop` clears the timers and waits for a pass under way.
 */
export function startPeriodicPass(options: {
  name: string;
  log: FastifyBaseLogger;
  firstDelayMs: number;
  intervalMs: number;
  pass: () => Promise<unknown>;
}): { stop: () => Promise<void> } {
  let running: Promise<void> | null = null;
  const run = () => {
    if (running) return;
    running = options
      .pass()
      .then(() => undefined)
      .catch((error: unknown) => options.log.error({ err: error }, `${options.name} failed; retrying at the next pass`))
      .finally(() => {
        running = null;
      });
  };
  const first = setTimeout(run, options.firstDelayMs);
  const timer = setInterval(run, options.intervalMs);
  return {
    stop: async () => {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}

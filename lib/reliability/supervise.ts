import { countCrash, DEFAULT_RESTART_BACKOFF, restartDelayMs, type TRestartBackoff } from "./restart-backoff";

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

/** How a supervisor spaces restarts of a child that keeps crashing. */
export type TRestartBackoff = { initialDelayMs: number; maxDelayMs: number; resetAfterHealthyMs: number };

/** 0.5 s doubling to 15 s; a child that ran a minute before crashing starts again from 0.5 s. */
export const DEFAULT_RESTART_BACKOFF: TRestartBackoff = { initialDelayMs: 500, maxDelayMs: 15_000, resetAfterHealthyMs: 60_000 };

/**
 * Capped exponential backoff: the delay before the restart that follows `consecutiveCrashes`
 * crashes in a row (1 → initial, 2 → 2 × initial, …, at most `maxDelayMs`).
 */
export function restartDelayMs(consecutiveCrashes: number, backoff: TRestartBackoff = DEFAULT_RESTART_BACKOFF): number {
  const doublings = Math.max(0, consecutiveCrashes - 1);
  // 2^doublings overflows to Infinity long after the cap; min() keeps it finite either way.
  return Math.min(backoff.maxDelayMs, backoff.initialDelayMs * 2 ** Math.min(doublings, 52));
}

/** The crash count after one more crash: a child that stayed up `resetAfterHealthyMs` was healthy, so counting restarts afresh. */
export function countCrash(previousCrashes: number, ranForMs: number, backoff: TRestartBackoff = DEFAULT_RESTART_BACKOFF): number {
  return ranForMs >= backoff.resetAfterHealthyMs ? 1 : previousCrashes + 1;
}

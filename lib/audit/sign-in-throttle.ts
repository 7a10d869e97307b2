/** Failures allowed before attempts are refused. */
export const SIGN_IN_FREE_FAILURES = 5;
/** Failures are forgotten once none has happened for this long. */
const SIGN_IN_FAILURE_MEMORY_MS = 60 * 60 * 1000;
/** The first refusal lasts this long; each further failure doubles it, up to the cap. */
export const SIGN_IN_FIRST_BLOCK_MS = 30 * 1000;
const SIGN_IN_MAX_BLOCK_MS = 15 * 60 * 1000;

export type TSignInThrottleState = { failures: number; lastFailureAt: Date; blockedUntil: Date | null };

/**
 * The throttle state after one more failed sign-in: the count starts again when the last failure
 * is older than the memory; from the fifth failure on, attempts are refused for 30 s, then 60 s,
 * 120 s… (exponential backoff) up to 15 minutes.
 */
export function nextSignInThrottleState(previous: TSignInThrottleState | null, now: Date): TSignInThrottleState {
  const remembered = previous && now.getTime() - previous.lastFailureAt.getTime() < SIGN_IN_FAILURE_MEMORY_MS;
  const failures = remembered ? previous.failures + 1 : 1;
  const excess = failures - SIGN_IN_FREE_FAILURES;
  const blockedUntil =
    excess >= 0 ? new Date(now.getTime() + Math.min(SIGN_IN_MAX_BLOCK_MS, SIGN_IN_FIRST_BLOCK_MS * 2 ** Math.min(excess, 30))) : null;
  return { failures, lastFailureAt: now, blockedUntil };
}

/** The throttle keys of one attempt: the account (normalised email) and the client address. */
export function signInThrottleKeys({ identifier, address }: { identifier: string; address: string | null }): string[] {
  return [`account:${identifier}`, ...(address ? [`address:${address}`] : [])];
}

const THROTTLED_ERROR_PREFIX = "SignInThrottled:";

/** The error a refused sign-in throws; next-auth hands its message to the sign-in form as `error`. */
export function signInThrottledError(blockedUntil: Date, now: Date): string {
  return `${THROTTLED_ERROR_PREFIX}${Math.max(1, Math.ceil((blockedUntil.getTime() - now.getTime()) / 1000))}`;
}

/** The seconds to wait, when `error` is a throttled sign-in's; null for any other error. */
export function parseSignInThrottledError(error: string): number | null {
  if (!error.startsWith(THROTTLED_ERROR_PREFIX)) return null;
  const seconds = Number(error.slice(THROTTLED_ERROR_PREFIX.length));
  return Number.isSafeInteger(seconds) && seconds > 0 ? seconds : null;
}

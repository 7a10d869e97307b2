import { describe, expect, it } from "vitest";
import { nextSignInThrottleState, parseSignInThrottledError, signInThrottledError } from "./sign-in-throttle";

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000);
const blockSeconds = (state: { lastFailureAt: Date; blockedUntil: Date | null }) =>
  state.blockedUntil ? (state.blockedUntil.getTime() - state.lastFailureAt.getTime()) / 1000 : null;

describe("nextSignInThrottleState", () => {
  it("allows 4 failures, then blocks for 30 s, 60 s, 120 s… up to 15 min", () => {
    let state = null;
    const blocks: (number | null)[] = [];
    for (let failure = 1; failure <= 12; failure += 1) {
      state = nextSignInThrottleState(state, at(failure * 60));
      blocks.push(blockSeconds(state));
    }
    // 30·2^(n−5) s for the n-th failure, capped at 900 s.
    expect(blocks).toEqual([null, null, null, null, 30, 60, 120, 240, 480, 900, 900, 900]);
  });

  it("forgets failures after an hour without one", () => {
    const state = { failures: 9, lastFailureAt: at(0), blockedUntil: at(900) };
    expect(nextSignInThrottleState(state, at(3599)).failures).toBe(10);
    expect(nextSignInThrottleState(state, at(3600))).toEqual({ failures: 1, lastFailureAt: at(3600), blockedUntil: null });
  });
});

describe("signInThrottledError", () => {
  it("carries the whole seconds to wait, rounded up", () => {
    const error = signInThrottledError(at(30.2), at(0));
    expect(error).toBe("SignInThrottled:31");
    expect(parseSignInThrottledError(error)).toBe(31);
    expect(parseSignInThrottledError("CredentialsSignin")).toBeNull();
    expect(parseSignInThrottledError("SignInThrottled:abc")).toBeNull();
  });
});

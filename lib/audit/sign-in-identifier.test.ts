import { describe, expect, it } from "vitest";
import { MAX_EMAIL_LENGTH, normaliseSignInIdentifier } from "./sign-in-identifier";

describe("normaliseSignInIdentifier", () => {
  it("trims and lowercases an ordinary email, and keeps no hash for it", () => {
    expect(normaliseSignInIdentifier("  Ana@Example.TEST ")).toEqual({ identifier: "ana@example.test" });
  });

  it("strips controls and lone surrogates, keeping a hash of the raw text", () => {
    // printf 'x\x00y' | sha256sum
    expect(normaliseSignInIdentifier("x\u0000y")).toEqual({
      identifier: "xy",
      rawSha256: "ce3890a816f5237a17aa7e1436113bbac398dfe216cf965537cd035bdbad900a",
    });
    expect(normaliseSignInIdentifier("a\u0085\u007f\ud800b\udc00c😀").identifier).toBe("abc😀");
  });

  it("cuts to 254 characters without splitting a surrogate pair", () => {
    expect(normaliseSignInIdentifier("a".repeat(5_000)).identifier).toHaveLength(MAX_EMAIL_LENGTH);
    const emoji = normaliseSignInIdentifier("😀".repeat(300)).identifier;
    expect(Array.from(emoji)).toHaveLength(MAX_EMAIL_LENGTH);
    expect(Array.from(emoji).every((character) => character === "😀")).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { API_KEY_PREFIX_LENGTH, generateApiKey, hashApiKey } from "./api-keys";

describe("api keys", () => {
  it("hashes with SHA-256", () => {
    // printf 'ovk_test' | sha256sum
    expect(hashApiKey("ovk_test")).toBe("7bcc96719d8b945c924bd0f77d2ee717cdde459b7e704c0d54459a00078451c5");
  });

  it("generates distinct keys whose prefix and hash match the key", () => {
    const first = generateApiKey();
    const second = generateApiKey();
    expect(first.key).not.toBe(second.key);
    expect(first.key).toMatch(/^ovk_[A-Za-z0-9_-]{43}$/);
    expect(first.prefix).toBe(first.key.slice(0, API_KEY_PREFIX_LENGTH));
    expect(first.hash).toBe(hashApiKey(first.key));
  });
});

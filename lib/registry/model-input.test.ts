import { describe, expect, it } from "vitest";
import { ZCreateModelInput, ZUpdateModelInput } from "./model-input";

describe("model input", () => {
  it("an update holds only the fields it was sent (no defaults blank the others)", () => {
    expect(ZUpdateModelInput.parse({ displayName: "Credit default" })).toEqual({ displayName: "Credit default" });
    expect(ZUpdateModelInput.parse({})).toEqual({});
  });
  it("a new model gets empty texts for the optional fields", () => {
    expect(ZCreateModelInput.parse({ slug: "credit-default", displayName: "Credit default", riskTier: "high" })).toMatchObject({
      description: "",
      useCase: "",
      businessKpi: "",
    });
  });
  it.each([
    ["description", "a\u0000b", /NUL/],
    ["useCase", "x\ud800", /lone surrogate/],
    ["businessKpi", "\udfffy", /lone surrogate/],
  ])("%s with %j is refused naming the field", (field, value, message) => {
    const result = ZUpdateModelInput.safeParse({ [field]: value });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].path).toEqual([field]);
    expect(result.error!.issues[0].message).toMatch(message);
  });
});

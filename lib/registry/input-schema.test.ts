import demo from "@/scripts/demo/credit-default.schema.json";
import { describe, expect, it } from "vitest";
import { encodeInstance, modelInputFeatures, ZInputSchema, ZOutputSchema } from "./input-schema";

const schema = ZInputSchema.parse({
  features: [
    { name: "income", type: "numeric", min: 0, max: 1000 },
    { name: "has_mortgage", type: "boolean" },
    { name: "sex", type: "categorical", allowedValues: ["female", "male"], sensitive: true, modelInput: false },
  ],
});

describe("ZInputSchema", () => {
  it("accepts the demo schema", () => {
    // The demo schema file is data; it must parse.
    expect(modelInputFeatures(ZInputSchema.parse(demo.inputSchema)).map((feature) => feature.name)).toHaveLength(9);
    expect(ZOutputSchema.parse(demo.outputSchema).threshold).toBe(0.3);
  });

  it.each([
    [{ features: [] }, "features", "at least one feature"],
    [{ features: [{ name: "", type: "numeric" }] }, "features.0.name", "cannot be empty"],
    [{ features: [{ name: " mean radius", type: "numeric" }] }, "features.0.name", "no leading or trailing spaces"],
    [{ features: [{ name: "mean\tradius", type: "numeric" }] }, "features.0.name", "no control characters"],
    [{ features: [{ name: "a", type: "numeric", min: 3, max: 1 }] }, "features.0.min", "greater than max"],
    [
      {
        features: [
          { name: "a", type: "numeric" },
          { name: "a", type: "numeric" },
        ],
      },
      "features.1.name",
      "declared twice",
    ],
    [
      {
        features: [
          { name: "a", type: "categorical", modelInput: false },
          { name: "b", type: "numeric" },
        ],
      },
      "features.0.allowedValues",
      "non-empty list",
    ],
    [{ features: [{ name: "a", type: "categorical", allowedValues: ["x"] }] }, "features.0.modelInput", "not model inputs"],
    [{ features: [{ name: "a", type: "text" }] }, "features.0.type", "numeric, categorical or boolean"],
    [{ features: [{ name: "a", type: "numeric", modelInput: false }] }, "features", "at least one feature must be a model input"],
  ])("refuses %j at %s", (input, path, message) => {
    const result = ZInputSchema.safeParse(input);
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find((candidate) => candidate.path.join(".") === path);
    expect(issue?.message).toContain(message);
  });
});

describe("encodeInstance", () => {
  it("encodes model inputs in order and keeps context apart", () => {
    expect(encodeInstance({ schema, instance: { income: 12.5, has_mortgage: true, sex: "female" } })).toEqual({
      ok: true,
      tensorRow: [12.5, 1],
      attributes: { sex: "female" },
    });
  });

  it("allows a missing context feature but not a missing model input", () => {
    expect(encodeInstance({ schema, instance: { income: 1, has_mortgage: false } })).toEqual({
      ok: true,
      tensorRow: [1, 0],
      attributes: {},
    });
  });

  it("accepts feature names as the data has them", () => {
    // scikit-learn's breast cancer data names its columns "mean radius", "worst concave points", …
    const names = ["mean radius", "worst concave points", "Age (years)", "revenu_€"];
    expect(ZInputSchema.parse({ features: names.map((name) => ({ name, type: "numeric" })) }).features.map((f) => f.name)).toEqual(names);
  });

  it("names every failing field at once", () => {
    const result = encodeInstance({ schema, instance: { income: "12", sex: "other", colour: "red" } });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([
      { field: "colour", message: "is not a feature of this model" },
      { field: "income", message: 'must be a number, got "12"' },
      { field: "has_mortgage", message: "is required" },
      { field: "sex", message: "must be one of 'female', 'male', got \"other\"" },
    ]);
  });

  it.each([
    [{ income: -1, has_mortgage: true }, "income", "must be at least 0, got -1"],
    [{ income: 1001, has_mortgage: true }, "income", "must be at most 1000, got 1001"],
    [{ income: 1, has_mortgage: 1 }, "has_mortgage", "must be true or false, got 1"],
    [{ income: Number.NaN, has_mortgage: true }, "income", "must be a number, got null"],
  ])("%j fails on %s", (instance, field, message) => {
    const result = encodeInstance({ schema, instance });
    expect(!result.ok && result.errors).toEqual([{ field, message }]);
  });
});

import demo from "@/scripts/demo/credit-default.schema.json";
import { describe, expect, it } from "vitest";
import { encodeInstance, modelInputFeatures, modelInputSpecs, ZInputSchema, ZOutputSchema } from "./input-schema";

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
      inputRow: [12.5, 1],
      attributes: { sex: "female" },
    });
  });

  it("allows a missing context feature but not a missing model input", () => {
    expect(encodeInstance({ schema, instance: { income: 1, has_mortgage: false } })).toEqual({
      ok: true,
      tensorRow: [1, 0],
      inputRow: [1, 0],
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

describe("one named input per feature (skl2onnx's ColumnTransformer)", () => {
  const typed = ZInputSchema.parse({
    features: [
      { name: "region", type: "categorical", allowedValues: ["north", "south"], onnxInput: "region", tensorType: "string" },
      { name: "age", type: "numeric", onnxInput: "age", tensorType: "int64" },
      // 0.1 + 2^-40 is not a float32: a double input must get it exactly.
      { name: "income", type: "numeric", onnxInput: "income", tensorType: "float64" },
      { name: "score", type: "numeric", onnxInput: "score" },
      { name: "segment", type: "categorical", allowedValues: ["a", "b"], modelInput: false },
    ],
  });

  it("feeds categories as strings and doubles exactly, stores a category by its index, and keeps exact values in the attributes", () => {
    const income = 0.1 + 2 ** -40;
    expect(encodeInstance({ schema: typed, instance: { region: "south", age: 41, income, score: 0.5, segment: "b" } })).toEqual({
      ok: true,
      tensorRow: [1, 41, income, 0.5],
      inputRow: ["south", 41, income, 0.5],
      attributes: { region: "south", age: 41, income, segment: "b" },
    });
  });

  it.each([
    [{ region: "east", age: 41, income: 1, score: 0 }, "region", "must be one of 'north', 'south', got \"east\""],
    [{ region: "north", age: 41.5, income: 1, score: 0 }, "age", "must be an integer (int64 input), got 41.5"],
    [{ region: "north", age: 41, income: "1", score: 0 }, "income", 'must be a number, got "1"'],
    [{ region: 3, age: 41, income: 1, score: 0 }, "region", "must be one of 'north', 'south', got 3"],
  ])("%j fails on %s", (instance, field, message) => {
    const result = encodeInstance({ schema: typed, instance });
    expect(!result.ok && result.errors).toEqual([{ field, message }]);
  });

  it("maps the model inputs onto their ONNX inputs in order", () => {
    expect(modelInputSpecs(typed)).toEqual([
      { name: "region", type: "string", columns: [0], features: ["region"] },
      { name: "age", type: "int64", columns: [1], features: ["age"] },
      { name: "income", type: "float64", columns: [2], features: ["income"] },
      { name: "score", type: "float32", columns: [3], features: ["score"] },
    ]);
  });

  it.each([
    [
      {
        features: [
          { name: "a", type: "numeric", onnxInput: "a" },
          { name: "b", type: "numeric" },
        ],
      },
      "features",
      "or of none",
    ],
    [{ features: [{ name: "a", type: "numeric", tensorType: "string", onnxInput: "a" }] }, "features.0.tensorType", "categorical"],
    [
      {
        features: [
          { name: "a", type: "numeric" },
          { name: "s", type: "categorical", allowedValues: ["x"], modelInput: false, tensorType: "string" },
        ],
      },
      "features.1.onnxInput",
      "model inputs only",
    ],
  ])("refuses %j at %s", (raw, path, message) => {
    const result = ZInputSchema.safeParse(raw);
    const issue = result.error?.issues.find((candidate) => candidate.path.join(".") === path);
    expect(issue?.message).toContain(message);
  });
});

import { describe, expect, it } from "vitest";
import { buildFeeds, resolveFeedSpecs } from "./model-inputs";

// Shapes and names as onnxruntime-node reports a skl2onnx ColumnTransformer export (symbolic batch 'N').
const metadata = [
  { name: "region", isTensor: true, type: "string", shape: ["N", 1] },
  { name: "age", isTensor: true, type: "int64", shape: ["N", 1] },
  { name: "income", isTensor: true, type: "float64", shape: ["N"] },
];

describe("resolveFeedSpecs", () => {
  it("matches every declared input by name, with its rank", () => {
    const resolution = resolveFeedSpecs(metadata, [
      { name: "age", type: "int64", columns: [1] },
      { name: "region", type: "string", columns: [0] },
      { name: "income", type: "float64", columns: [2] },
    ]);
    expect(resolution).toEqual({
      ok: true,
      specs: [
        { name: "age", type: "int64", columns: [1], rank: 2 },
        { name: "region", type: "string", columns: [0], rank: 2 },
        { name: "income", type: "float64", columns: [2], rank: 1 },
      ],
    });
  });

  it("names each mismatch with the check it fails", () => {
    const resolution = resolveFeedSpecs(metadata, [
      { name: "region", type: "float32", columns: [0] },
      { name: "age", type: "int64", columns: [1, 2] },
      { name: "zip", type: "string", columns: [3] },
    ]);
    expect(!resolution.ok && resolution.problems).toEqual([
      { check: "input type", message: "input 'region' is a string tensor but the schema feeds it float32 (tensorType)" },
      { check: "input width", message: "input 'age' has shape [N, 1] but the schema feeds it 2 features ([batch, 2])" },
      { check: "inputs", message: "the model has no input 'zip' (it has 'region', 'age', 'income')" },
      { check: "inputs", message: "the model's input 'income' is fed by no feature of the schema" },
    ]);
  });

  it("keeps the one-input messages of a [batch, width] model", () => {
    const resolution = resolveFeedSpecs(
      [{ name: "features", isTensor: true, type: "float32", shape: ["batch", 3] }],
      [{ name: null, type: "float32", columns: [0, 1, 2, 3] }],
    );
    expect(!resolution.ok && resolution.problems).toEqual([
      { check: "input width", message: "input 'features' has shape [batch, 3] but the schema declares 4 model inputs" },
    ]);
  });
});

describe("buildFeeds", () => {
  it("lays out each input's columns row-major in its own element type", () => {
    const feeds = buildFeeds(
      [
        { name: "region", type: "string", columns: [0], rank: 2 },
        { name: "age", type: "int64", columns: [1], rank: 1 },
        { name: "xy", type: "float64", columns: [2, 3], rank: 2 },
      ],
      [
        ["north", 40, 0.1, 2],
        ["west", 51, 0.2, 3],
      ],
    );
    expect(feeds).toEqual([
      { name: "region", type: "string", data: ["north", "west"], dims: [2, 1] },
      { name: "age", type: "int64", data: BigInt64Array.from([40n, 51n]), dims: [2] },
      { name: "xy", type: "float64", data: Float64Array.from([0.1, 2, 0.2, 3]), dims: [2, 2] },
    ]);
  });

  it("refuses a value of the wrong kind, naming the input and row", () => {
    expect(() => buildFeeds([{ name: "age", type: "int64", columns: [0], rank: 2 }], [[40], [40.5]])).toThrow(
      "input 'age', row 1: 40.5 is not an integer",
    );
    expect(() => buildFeeds([{ name: "region", type: "string", columns: [0], rank: 2 }], [[1]])).toThrow(
      "input 'region', row 0: expected a string, got 1",
    );
  });
});

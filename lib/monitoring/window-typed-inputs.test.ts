import { describe, expect, it } from "vitest";
import { encodeInstance, ZInputSchema } from "../registry/input-schema";
import type { TReferenceProfile } from "../registry/reference-data";
import { buildWindowLayout, referenceWindowRows, summarizeWindow } from "./window";

// A model with one named input per feature: a category fed as a string tensor, and a double.
const schema = ZInputSchema.parse({
  features: [
    { name: "region", type: "categorical", allowedValues: ["north", "south", "west"], onnxInput: "region", tensorType: "string" },
    { name: "income", type: "numeric", onnxInput: "income", tensorType: "float64" },
  ],
});
const profile: TReferenceProfile = {
  rowCount: 4,
  sampleRows: 4,
  columns: { region: ["north", "north", "south", "west"], income: [10, 20, 30, 40] },
  labels: [1, 0, 0, 1],
};
const layout = buildWindowLayout({ schema, profile, threshold: 0.5 });

describe("windows of a model with a string model input", () => {
  it("counts the reference's categories by name, as it counts served predictions' (whose attributes keep the string)", () => {
    const reference = summarizeWindow(layout, referenceWindowRows({ schema, profile, scores: [0.9, 0.2, 0.4, 0.7] }));
    expect(reference.features.region).toEqual({ kind: "categorical", counts: { north: 2, south: 1, west: 1 }, count: 4 });

    const served = ["west", "west", "north"].map((region, index) => {
      const encoded = encodeInstance({ schema, instance: { region, income: 25 + index } });
      if (!encoded.ok) throw new Error("the instance is valid");
      return { features: encoded.tensorRow, attributes: encoded.attributes, probability: 0.5, confidence: 0.5, latencyMs: 1, label: null };
    });
    const window = summarizeWindow(layout, served);
    expect(window.features.region).toEqual({ kind: "categorical", counts: { west: 2, north: 1 }, count: 3 });
    expect(window.features.income).toMatchObject({ kind: "numerical", count: 3 });
  });
});

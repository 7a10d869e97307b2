import { describe, expect, it } from "vitest";
import type { TOnnxSignature } from "../onnx/signature";
import { proposeSchema } from "./infer-schema";
import { ZInputSchema, ZOutputSchema } from "./input-schema";

const tensorModel = (width: number, outputs: TOnnxSignature["outputs"] = twoColumnOutputs): TOnnxSignature => ({
  inputs: [{ name: "features", kind: "tensor", type: "float32", dims: ["N", width] }],
  outputs,
});
const twoColumnOutputs: TOnnxSignature["outputs"] = [
  { name: "label", kind: "tensor", type: "int64", dims: ["N"] },
  { name: "probabilities", kind: "tensor", type: "float32", dims: ["N", 2] },
];
const header = ["mean radius", "smoker", "sex", "target"];
const records = [
  { "mean radius": "12.5", smoker: "true", sex: "F", target: "1" },
  { "mean radius": "20", smoker: "false", sex: "M", target: "0" },
  { "mean radius": "7.25", smoker: "TRUE", sex: "F", target: "1" },
];

describe("proposeSchema", () => {
  it("makes every column but the label and the context a model input, in CSV order, with types and the reference range", () => {
    const proposal = proposeSchema({
      signature: tensorModel(2),
      modelClassLabels: ["0", "1"],
      header,
      records,
      labelColumn: "target",
      positiveClass: "1",
      sensitive: ["sex"],
    });
    expect(proposal.ok).toBe(true);
    if (!proposal.ok) return;
    expect(proposal.inputSchema.features).toEqual([
      {
        name: "mean radius",
        type: "numeric",
        modelInput: true,
        sensitive: false,
        description: "reference range 7.25 to 20 (3 rows)",
      },
      { name: "smoker", type: "boolean", modelInput: true, sensitive: false },
      { name: "sex", type: "categorical", allowedValues: ["F", "M"], modelInput: false, sensitive: true },
    ]);
    expect(proposal.outputSchema).toEqual({
      probabilityOutput: "probabilities",
      positiveLabel: "1",
      negativeLabel: "0",
      threshold: 0.5,
      labelColumn: "target",
      classLabels: ["0", "1"],
    });
    // What the server validates the proposal with accepts it as is.
    expect(ZInputSchema.safeParse(proposal.inputSchema).success).toBe(true);
    expect(ZOutputSchema.safeParse(proposal.outputSchema).success).toBe(true);
  });

  it("refuses a width that does not match the columns, naming them and the options that mark context", () => {
    const proposal = proposeSchema({
      signature: tensorModel(1),
      modelClassLabels: null,
      header,
      records,
      labelColumn: "target",
      positiveClass: "1",
    });
    expect(proposal).toEqual({
      ok: false,
      errors: [
        {
          field: "reference",
          message: expect.stringContaining(
            "takes 1 features, but the CSV has 3 columns besides the label and the context columns ('mean radius', 'smoker', 'sex')",
          ),
        },
      ],
    });
    expect(!proposal.ok && proposal.errors[0].message).toContain("--sensitive or --context");
  });

  it("refuses text in a numeric model input", () => {
    const proposal = proposeSchema({
      signature: tensorModel(3),
      modelClassLabels: null,
      header,
      records,
      labelColumn: "target",
      positiveClass: "1",
    });
    expect(!proposal.ok && proposal.errors[0]).toEqual({
      field: "reference",
      message: expect.stringContaining("column 'sex' holds text ('F', 'M')"),
    });
  });

  it("sorts the classes as scikit-learn's classes_ when the model does not name them: numbers numerically, text by code point", () => {
    const numeric = [2, 10, 2].map((value) => ({ x: "1", y: String(value) }));
    const a = proposeSchema({
      signature: tensorModel(1),
      modelClassLabels: null,
      header: ["x", "y"],
      records: numeric,
      labelColumn: "y",
      positiveClass: "2",
    });
    // np.unique([2, 10]) = [2, 10]; as strings "10" < "2".
    expect(a.ok && a.outputSchema.classLabels).toEqual(["2", "10"]);
    expect(a.ok && a.outputSchema.negativeLabel).toBe("10");
    const text = ["benign", "Malignant"].map((value) => ({ x: "1", y: value }));
    const b = proposeSchema({
      signature: tensorModel(1),
      modelClassLabels: null,
      header: ["x", "y"],
      records: text,
      labelColumn: "y",
      positiveClass: "Malignant",
    });
    // np.unique(["benign", "Malignant"]) = ["Malignant", "benign"] (uppercase first).
    expect(b.ok && b.outputSchema.classLabels).toEqual(["Malignant", "benign"]);
  });

  it("refuses labels that are not the model's classes and a positive class that is not one, naming the row", () => {
    const proposal = proposeSchema({
      signature: tensorModel(1),
      modelClassLabels: ["benign", "malignant"],
      header: ["x", "y"],
      records: [
        { x: "1", y: "benign" },
        { x: "2", y: "1" },
      ],
      labelColumn: "y",
      positiveClass: "yes",
    });
    expect(!proposal.ok && proposal.errors).toEqual([
      { field: "labelColumn", message: "reference row 3, column y: '1' is not one of the model's classes 'benign', 'malignant'" },
      { field: "positiveClass", message: "the positive class 'yes' is not one of the classes 'benign', 'malignant' the model names" },
    ]);
  });

  it("takes a ZipMap's sequence output as the probability output and says it will be removed", () => {
    const proposal = proposeSchema({
      signature: tensorModel(1, [
        { name: "output_label", kind: "tensor", type: "int64", dims: ["N"] },
        { name: "output_probability", kind: "sequence", type: null, dims: null },
      ]),
      modelClassLabels: ["0", "1"],
      header: ["x", "y"],
      records: [{ x: "1", y: "0" }],
      labelColumn: "y",
      positiveClass: "0",
    });
    expect(proposal.ok && proposal.outputSchema.probabilityOutput).toBe("output_probability");
    expect(proposal.ok && proposal.notes.join("\n")).toContain("registration removes it");
    expect(proposal.ok && proposal.notes.join("\n")).toContain("fairness gate will be not applicable");
  });

  it("maps one input per feature by name, in the model's order, the other columns as context", () => {
    const proposal = proposeSchema({
      signature: {
        inputs: [
          { name: "smoker", kind: "tensor", type: "bool", dims: ["N", 1] },
          { name: "mean radius", kind: "tensor", type: "float32", dims: ["N", 1] },
        ],
        outputs: twoColumnOutputs,
      },
      modelClassLabels: null,
      header,
      records,
      labelColumn: "target",
      positiveClass: "1",
    });
    expect(proposal.ok && proposal.inputSchema.features.map((feature) => [feature.name, feature.modelInput])).toEqual([
      ["smoker", true],
      ["mean radius", true],
      ["sex", false],
    ]);
  });

  it("names a missing label or context column", () => {
    const proposal = proposeSchema({
      signature: tensorModel(2),
      modelClassLabels: null,
      header,
      records,
      labelColumn: "outcome",
      positiveClass: "1",
      sensitive: ["race"],
    });
    expect(!proposal.ok && proposal.errors.map((error) => error.field)).toEqual(["labelColumn", "sensitive"]);
  });

  it("takes a string input's column as categories (even digits) and records each feature's ONNX input and element type", () => {
    const proposal = proposeSchema({
      signature: {
        inputs: [
          { name: "sex", kind: "tensor", type: "string", dims: ["N", 1] },
          { name: "mean radius", kind: "tensor", type: "float64", dims: ["N", 1] },
          { name: "target_code", kind: "tensor", type: "string", dims: ["N", 1] },
        ],
        outputs: twoColumnOutputs,
      },
      modelClassLabels: null,
      header: [...header, "target_code"],
      records: records.map((record, index) => ({ ...record, target_code: String(index % 2) })),
      labelColumn: "target",
      positiveClass: "1",
    });
    expect(proposal.ok && proposal.inputSchema.features.slice(0, 3)).toEqual([
      {
        name: "sex",
        type: "categorical",
        allowedValues: ["F", "M"],
        sensitive: false,
        modelInput: true,
        onnxInput: "sex",
        tensorType: "string",
      },
      expect.objectContaining({ name: "mean radius", type: "numeric", onnxInput: "mean radius", tensorType: "float64" }),
      {
        name: "target_code",
        type: "categorical",
        allowedValues: ["0", "1"],
        sensitive: false,
        modelInput: true,
        onnxInput: "target_code",
        tensorType: "string",
      },
    ]);
    expect(proposal.ok && ZInputSchema.safeParse(proposal.inputSchema).success).toBe(true);
  });

  it("refuses an input type Oversight cannot feed and a per-feature input wider than one column, naming them", () => {
    const proposal = proposeSchema({
      signature: {
        inputs: [
          { name: "sex", kind: "tensor", type: "int8", dims: ["N", 1] },
          { name: "mean radius", kind: "tensor", type: "float32", dims: ["N", 2] },
        ],
        outputs: twoColumnOutputs,
      },
      modelClassLabels: null,
      header,
      records,
      labelColumn: "target",
      positiveClass: "1",
    });
    expect(!proposal.ok && proposal.errors.map((error) => error.message)).toEqual([
      "the model's input 'sex' is an int8 tensor; Oversight feeds float32, float64, int64, bool, string tensors",
      "the model's input 'mean radius' has shape [N, 2]; with one input per feature each is [batch, 1] or [batch]",
    ]);
  });
});

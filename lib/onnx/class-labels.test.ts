import { describe, expect, it } from "vitest";
import { readOnnxClassLabels } from "./class-labels";
import {
  writeDecisionTreeClassifierOnnx,
  writeScaledLinearClassifierOnnx,
  writeTwoColumnLogisticRegressionOnnx,
} from "./write-classifiers";
import { writeOnnxModel } from "./write-model";

describe("readOnnxClassLabels", () => {
  const linear = { offsets: [0, 0], scales: [1, 1], weights: [1, 1], bias: 0 };
  it.each([
    ["LinearClassifier classlabels_ints", writeScaledLinearClassifierOnnx(linear), ["0", "1"]],
    ["TreeEnsembleClassifier classlabels_int64s", writeDecisionTreeClassifierOnnx({ width: 2, tree: { probability: 0.5 } }), ["0", "1"]],
    ["a ZipMap, which agrees with its classifier", writeScaledLinearClassifierOnnx({ ...linear, zipMap: true }), ["0", "1"]],
    ["standard operators only (no classes said)", writeTwoColumnLogisticRegressionOnnx({ weights: [1, 1], bias: 0 }), null],
    ["bytes that are not ONNX", new TextEncoder().encode("not a model"), null],
  ])("%s → %j", (_name, model, expected) => expect(readOnnxClassLabels(model)).toEqual(expected));

  it("reads string class labels", () => {
    const model = writeOnnxModel({
      graphName: "string_classes",
      inputs: [{ name: "features", dims: ["batch", 1] }],
      outputs: [{ name: "probabilities", dims: ["batch", 2] }],
      initializers: [],
      nodes: [
        {
          opType: "LinearClassifier",
          domain: "ai.onnx.ml",
          inputs: ["features"],
          outputs: ["label", "probabilities"],
          attributes: {
            coefficients: { floats: [1] },
            intercepts: { floats: [0] },
            classlabels_strings: { strings: ["malignant", "benign"] },
          },
        },
      ],
      mlOpset: 1,
    });
    expect(readOnnxClassLabels(model)).toEqual(["malignant", "benign"]);
  });
});

import { writeOnnxModel, type TOnnxNode, type TOnnxOutput } from "./write-model";

/*
 * Binary classifiers laid out as skl2onnx exports scikit-learn classifiers: an int64 `label` [N]
 * beside float32 `probabilities` [N, 2] whose column k is P(class k), classes 0 and 1. With
 * `zipMap`, the probabilities leave as skl2onnx's default does, a sequence of maps {class: P}
 * named `output_probability` (beside `output_label`), which onnxruntime-node cannot return.
 * Used to check, with real ONNX files, that every reader of model outputs handles these layouts.
 * onnxruntime labels the tree below class 1 whenever P(class 1) > 0 (its TreeEnsembleClassifier rule
 * for two classes with weights on both): one more reason Oversight labels by threshold, not by label.
 */

function classifierOutputs(zipMap: boolean): { nodes: TOnnxNode[]; outputs: TOnnxOutput[]; labelName: string } {
  if (!zipMap)
    return {
      nodes: [],
      outputs: [
        { name: "label", dims: ["batch"], type: "int64" },
        { name: "probabilities", dims: ["batch", 2] },
      ],
      labelName: "label",
    };
  return {
    nodes: [
      {
        opType: "ZipMap",
        inputs: ["probabilities"],
        outputs: ["output_probability"],
        attributes: { classlabels_int64s: { ints: [0, 1] } },
        domain: "ai.onnx.ml",
      },
    ],
    outputs: [
      { name: "output_label", dims: ["batch"], type: "int64" },
      { name: "output_probability", sequenceOfMaps: true },
    ],
    labelName: "output_label",
  };
}

/**
 * A logistic regression p = σ(w·x + b) as scikit-learn's LogisticRegression exports: features
 * [batch, width] → MatMul → Add → Sigmoid → Concat(1 − p, p) = probabilities [batch, 2], and
 * label = ArgMax of the probabilities (class 1 when p > 0.5).
 */
export function writeTwoColumnLogisticRegressionOnnx(input: { weights: number[]; bias: number; zipMap?: boolean }): Uint8Array {
  const width = input.weights.length;
  const tail = classifierOutputs(input.zipMap ?? false);
  return writeOnnxModel({
    graphName: "logistic_regression_two_columns",
    inputs: [{ name: "features", dims: ["batch", width] }],
    outputs: tail.outputs,
    initializers: [
      { name: "weights", dims: [width, 1], values: input.weights },
      { name: "bias", dims: [1], values: [input.bias] },
      { name: "one", dims: [1], values: [1] },
    ],
    nodes: [
      { opType: "MatMul", inputs: ["features", "weights"], outputs: ["logit_raw"] },
      { opType: "Add", inputs: ["logit_raw", "bias"], outputs: ["logit"] },
      { opType: "Sigmoid", inputs: ["logit"], outputs: ["positive"] },
      { opType: "Sub", inputs: ["one", "positive"], outputs: ["negative"] },
      { opType: "Concat", inputs: ["negative", "positive"], outputs: ["probabilities"], attributes: { axis: 1 } },
      { opType: "ArgMax", inputs: ["probabilities"], outputs: [tail.labelName], attributes: { axis: 1, keepdims: 0 } },
      ...tail.nodes,
    ],
    mlOpset: input.zipMap ? 1 : undefined,
  });
}

/**
 * The same logistic regression in ai.onnx.ml operators, as skl2onnx exports a
 * StandardScaler + LogisticRegression pipeline: Scaler ((x − offset) · scale) → LinearClassifier
 * (one coefficient row for class 1, post_transform LOGISTIC) giving label [batch] and
 * probabilities [batch, 2] = (1 − p, p) with p = σ(w·z + b).
 */
export function writeScaledLinearClassifierOnnx(input: {
  offsets: number[];
  scales: number[];
  weights: number[];
  bias: number;
  zipMap?: boolean;
}): Uint8Array {
  const tail = classifierOutputs(input.zipMap ?? false);
  return writeOnnxModel({
    graphName: "scaled_linear_classifier",
    inputs: [{ name: "features", dims: ["batch", input.weights.length] }],
    outputs: tail.outputs,
    initializers: [],
    nodes: [
      {
        opType: "Scaler",
        domain: "ai.onnx.ml",
        inputs: ["features"],
        outputs: ["scaled"],
        attributes: { offset: { floats: input.offsets }, scale: { floats: input.scales } },
      },
      {
        opType: "LinearClassifier",
        domain: "ai.onnx.ml",
        inputs: ["scaled"],
        outputs: [tail.labelName, "probabilities"],
        attributes: {
          coefficients: { floats: input.weights },
          intercepts: { floats: [input.bias] },
          classlabels_ints: { ints: [0, 1] },
          multi_class: 0,
          post_transform: { string: "LOGISTIC" },
        },
      },
      ...tail.nodes,
    ],
    mlOpset: 1,
  });
}

/** A decision tree: a split sends x[feature] ≤ threshold to `below`, else to `above`; a leaf holds P(class 1). */
export type TDecisionTree = { feature: number; threshold: number; below: TDecisionTree; above: TDecisionTree } | { probability: number };

/**
 * A binary decision tree as scikit-learn's DecisionTreeClassifier exports: one ai.onnx.ml
 * TreeEnsembleClassifier (BRANCH_LEQ splits, each leaf weighting class 0 by 1 − p and class 1 by p,
 * post_transform NONE) giving label int64 [batch] and probabilities [batch, 2].
 */
export function writeDecisionTreeClassifierOnnx(input: { width: number; tree: TDecisionTree; zipMap?: boolean }): Uint8Array {
  const nodes = {
    ids: [] as number[],
    features: [] as number[],
    thresholds: [] as number[],
    modes: [] as string[],
    below: [] as number[],
    above: [] as number[],
  };
  const leaves = { nodeIds: [] as number[], classIds: [] as number[], weights: [] as number[] };
  // Pre-order numbering, as scikit-learn's tree_ numbers its nodes.
  const add = (tree: TDecisionTree): number => {
    const id = nodes.ids.length;
    nodes.ids.push(id);
    if ("probability" in tree) {
      nodes.features.push(0);
      nodes.thresholds.push(0);
      nodes.modes.push("LEAF");
      nodes.below.push(0);
      nodes.above.push(0);
      leaves.nodeIds.push(id, id);
      leaves.classIds.push(0, 1);
      leaves.weights.push(1 - tree.probability, tree.probability);
      return id;
    }
    nodes.features.push(tree.feature);
    nodes.thresholds.push(tree.threshold);
    nodes.modes.push("BRANCH_LEQ");
    nodes.below.push(0);
    nodes.above.push(0);
    nodes.below[id] = add(tree.below);
    nodes.above[id] = add(tree.above);
    return id;
  };
  add(input.tree);
  const tail = classifierOutputs(input.zipMap ?? false);
  return writeOnnxModel({
    graphName: "decision_tree_classifier",
    inputs: [{ name: "features", dims: ["batch", input.width] }],
    outputs: tail.outputs,
    initializers: [],
    nodes: [
      {
        opType: "TreeEnsembleClassifier",
        domain: "ai.onnx.ml",
        inputs: ["features"],
        outputs: [tail.labelName, "probabilities"],
        attributes: {
          nodes_treeids: { ints: nodes.ids.map(() => 0) },
          nodes_nodeids: { ints: nodes.ids },
          nodes_featureids: { ints: nodes.features },
          nodes_values: { floats: nodes.thresholds },
          nodes_modes: { strings: nodes.modes },
          nodes_truenodeids: { ints: nodes.below },
          nodes_falsenodeids: { ints: nodes.above },
          class_treeids: { ints: leaves.nodeIds.map(() => 0) },
          class_nodeids: { ints: leaves.nodeIds },
          class_ids: { ints: leaves.classIds },
          class_weights: { floats: leaves.weights },
          classlabels_int64s: { ints: [0, 1] },
          post_transform: { string: "NONE" },
        },
      },
      ...tail.nodes,
    ],
    mlOpset: 3,
  });
}

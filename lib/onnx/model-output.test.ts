import { describe, expect, it } from "vitest";
import { classifierFetchesOrThrow, ModelOutputError, readBinaryClassifierOutputs, type TOutputTensor } from "./model-output";

const float32 = (dims: number[], values: number[]): TOutputTensor => ({ dims, type: "float32", data: Float32Array.from(values) });
const int64 = (values: number[]): TOutputTensor => ({ dims: [values.length], type: "int64", data: BigInt64Array.from(values.map(BigInt)) });
// Values exact in float32, so the expected P(positive) are exact too.
const P = [0.25, 0.5, 0.75];

describe("readBinaryClassifierOutputs", () => {
  // Each layout an exporter produces for three rows whose P(class 1) is 0.25, 0.5, 0.75.
  const layouts: Array<
    [
      string,
      Record<string, TOutputTensor>,
      { probabilityOutput?: string; positiveIndex?: 0 | 1 },
      number[],
      { output: string; columns: 1 | 2; labels: Array<number | string> | null; labelOutput: string | null },
    ]
  > = [
    [
      "[N] sigmoid output, declared",
      { probability: float32([3], P) },
      { probabilityOutput: "probability" },
      P,
      { output: "probability", columns: 1, labels: null, labelOutput: null },
    ],
    [
      "[N, 1] sigmoid output (the demo models)",
      { probability: float32([3, 1], P) },
      { probabilityOutput: "probability" },
      P,
      { output: "probability", columns: 1, labels: null, labelOutput: null },
    ],
    [
      "[N, 2] skl2onnx label + probabilities: column 1",
      { label: int64([0, 0, 1]), probabilities: float32([3, 2], [0.75, 0.25, 0.5, 0.5, 0.25, 0.75]) },
      { probabilityOutput: "probabilities" },
      P,
      { output: "probabilities", columns: 2, labels: [0, 0, 1], labelOutput: "label" },
    ],
    [
      "[N, 2] with positiveIndex 0: column 0",
      { label: int64([0, 0, 1]), probabilities: float32([3, 2], [0.75, 0.25, 0.5, 0.5, 0.25, 0.75]) },
      { probabilityOutput: "probabilities", positiveIndex: 0 },
      [0.75, 0.5, 0.25],
      { output: "probabilities", columns: 2, labels: [0, 0, 1], labelOutput: "label" },
    ],
    [
      "[N, 1] with positiveIndex 0: 1 − P(class 1)",
      { probability: float32([3, 1], P) },
      { probabilityOutput: "probability", positiveIndex: 0 },
      [0.75, 0.5, 0.25],
      { output: "probability", columns: 1, labels: null, labelOutput: null },
    ],
    [
      "undeclared: chosen by the name 'probabilities' over another float output",
      { label: int64([0, 0, 1]), logits: float32([3, 1], [0, 0, 0]), probabilities: float32([3, 2], [0.75, 0.25, 0.5, 0.5, 0.25, 0.75]) },
      {},
      P,
      { output: "probabilities", columns: 2, labels: [0, 0, 1], labelOutput: "label" },
    ],
    [
      "undeclared: chosen by the name 'score'",
      { score: float32([3, 1], P) },
      {},
      P,
      { output: "score", columns: 1, labels: null, labelOutput: null },
    ],
    [
      "undeclared and unnamed: the only float output, with the only int64 [N] as labels",
      { y: int64([0, 1, 1]), z: float32([3, 2], [0.75, 0.25, 0.5, 0.5, 0.25, 0.75]) },
      {},
      P,
      { output: "z", columns: 2, labels: [0, 1, 1], labelOutput: "y" },
    ],
    [
      "float64 probabilities",
      { probabilities: { dims: [3, 2], type: "float64", data: Float64Array.from([0.75, 0.25, 0.5, 0.5, 0.25, 0.75]) } },
      { probabilityOutput: "probabilities" },
      P,
      { output: "probabilities", columns: 2, labels: null, labelOutput: null },
    ],
    [
      "string labels (classlabels_strings)",
      {
        output_label: { dims: [3], type: "string", data: ["repay", "repay", "default"] },
        probabilities: float32([3, 2], [0.75, 0.25, 0.5, 0.5, 0.25, 0.75]),
      },
      {},
      P,
      { output: "probabilities", columns: 2, labels: ["repay", "repay", "default"], labelOutput: "output_label" },
    ],
  ];

  it.each(layouts)("%s", (_name, outputs, options, expected, described) => {
    const reading = readBinaryClassifierOutputs({ outputs, rowCount: 3, ...options });
    expect(Array.from(reading.probabilities)).toEqual(expected);
    expect(reading).toMatchObject({
      probabilityOutput: described.output,
      columns: described.columns,
      labels: described.labels,
      labelOutput: described.labelOutput,
    });
  });

  it("reads the [N, 2] layout as N probabilities, not 2N scores", () => {
    const reading = readBinaryClassifierOutputs({
      outputs: { probabilities: float32([2, 2], [0.875, 0.125, 0.375, 0.625]) },
      rowCount: 2,
      probabilityOutput: "probabilities",
    });
    expect(Array.from(reading.probabilities)).toEqual([0.125, 0.625]);
  });

  const refusals: Array<[string, Record<string, TOutputTensor>, string | undefined, RegExp]> = [
    [
      "a declared output the model lacks",
      { probabilities: float32([3, 2], [1, 0, 1, 0, 1, 0]) },
      "probability",
      /^the model has no output 'probability' \(it has 'probabilities'\)$/,
    ],
    [
      "three classes",
      { probabilities: float32([3, 3], [0.2, 0.3, 0.5, 0.2, 0.3, 0.5, 0.2, 0.3, 0.5]) },
      "probabilities",
      /has 3 columns \(shape \[3, 3\]\): Oversight serves binary classifiers only/,
    ],
    [
      "the int64 label output declared as the probability",
      { label: int64([0, 1, 1]), probabilities: float32([3, 2], [1, 0, 0, 1, 0, 1]) },
      "label",
      /^output 'label' holds int64 values \(class labels, not probabilities\)/,
    ],
    [
      "a value above 1",
      { probability: float32([3, 1], [0.5, 1.5, 0.5]) },
      "probability",
      /^output 'probability' gave 1\.5 for row 2, not a probability in \[0, 1\]$/,
    ],
    ["a negative value", { probability: float32([3], [0.5, 0.5, -0.25]) }, "probability", /gave -0\.25 for row 3, not a probability/],
    ["NaN", { probability: float32([3, 1], [Number.NaN, 0.5, 0.5]) }, "probability", /gave NaN for row 1, not a probability/],
    [
      "a bad value in the negative-class column",
      { probabilities: float32([3, 2], [0.5, 0.5, 2, 0.5, 0.5, 0.5]) },
      "probabilities",
      /gave 2 for row 2, column 0, not a probability/,
    ],
    [
      "two columns that are not one distribution (decision scores)",
      { probabilities: float32([3, 2], [0.5, 0.5, 0.25, 0.25, 0.5, 0.5]) },
      "probabilities",
      /row 2 sums to 0\.5, not 1/,
    ],
    [
      "a batch-major shape for the wrong row count",
      { probability: float32([1, 3], P) },
      "probability",
      /has shape \[1, 3\] for 3 input rows; a binary classifier gives \[3\], \[3, 1\] or \[3, 2\]/,
    ],
    ["a three-dimensional output", { probability: float32([3, 1, 1], P) }, "probability", /has shape \[3, 1, 1\]/],
    ["no float output at all", { label: int64([0, 1, 1]) }, undefined, /no output of the model is a float tensor \(it has 'label'\)/],
    [
      "two unnamed float outputs",
      { a: float32([3, 1], P), b: float32([3, 1], P) },
      undefined,
      /cannot tell which output holds the probabilities among 'a', 'b': declare it as probabilityOutput/,
    ],
  ];

  it.each(refusals)("refuses %s with a clear message", (_name, outputs, probabilityOutput, message) => {
    const read = () => readBinaryClassifierOutputs({ outputs, rowCount: 3, probabilityOutput });
    expect(read).toThrow(ModelOutputError);
    expect(read).toThrow(message);
  });
});

describe("classifierFetchesOrThrow", () => {
  const zipMapped = [
    { name: "output_label", isTensor: true },
    { name: "output_probability", isTensor: false },
  ];

  it("fetches every tensor output", () => {
    expect(
      classifierFetchesOrThrow(
        [
          { name: "label", isTensor: true },
          { name: "probabilities", isTensor: true },
        ],
        "probabilities",
      ),
    ).toEqual(["label", "probabilities"]);
    expect(classifierFetchesOrThrow([{ name: "probability", isTensor: true }])).toEqual(["probability"]);
  });

  it("leaves out a sequence output that is not the probability one", () => {
    expect(
      classifierFetchesOrThrow(
        [
          { name: "probabilities", isTensor: true },
          { name: "extra", isTensor: false },
        ],
        "probabilities",
      ),
    ).toEqual(["probabilities"]);
  });

  it.each([
    ["declared", "output_probability"],
    ["found by its skl2onnx name", undefined],
  ])("refuses a ZipMap probability output (%s), naming the skl2onnx option that removes it", (_name, declared) => {
    const fetch = () => classifierFetchesOrThrow(zipMapped, declared);
    expect(fetch).toThrow(ModelOutputError);
    expect(fetch).toThrow(
      /^output 'output_probability' is not a tensor: this is scikit-learn's ZipMap .* options=\{id\(model\): \{'zipmap': False\}\}/,
    );
  });

  it("refuses a declared output the model lacks, listing those it has", () => {
    expect(() => classifierFetchesOrThrow(zipMapped, "probabilities")).toThrow(
      "the model has no output 'probabilities' (it has 'output_label', 'output_probability')",
    );
  });
});

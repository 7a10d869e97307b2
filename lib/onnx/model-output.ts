/*
 * The one reader of a binary classifier's ONNX outputs. The validation job, serving, the
 * explanations and the upload check all read P(positive) through it, so that they agree.
 *
 * Layouts understood, for N input rows:
 * - one column, [N] or [N, 1]: P(class 1), as a Sigmoid output or Oversight's demo models give;
 * - two columns, [N, 2]: column k is P(class k), as scikit-learn's predict_proba and its ONNX
 *   export (skl2onnx, `probabilities`) give; the positive class is column 1 unless told otherwise;
 * - beside it, an optional label tensor [N] (skl2onnx's `label`), returned but never used to decide:
 *   Oversight labels by the declared threshold on P(positive).
 * Refused with a message that says why: [N, K > 2] (Oversight serves binary classifiers only),
 * sequence-of-maps outputs (skl2onnx's default ZipMap, which onnxruntime-node cannot return), and
 * values that are not probabilities.
 */

/** A tensor as onnxruntime returns it, reduced to what reading needs (an onnxruntime Tensor fits). */
export type TOutputTensor = {
  readonly dims: readonly number[];
  readonly type: string;
  readonly data: ArrayLike<number | bigint | string | boolean>;
};
/** An output as the session describes it before running (an onnxruntime ValueMetadata fits). */
export type TOutputMetadata = { readonly name: string; readonly isTensor: boolean };

export type TClassifierReading = {
  /** P(positive) per input row. */
  probabilities: Float64Array;
  probabilityOutput: string;
  /** Columns of the probability output: 1 ([N] or [N, 1]) or 2 ([N, 2]). */
  columns: 1 | 2;
  /** The model's own labels, when it has a label output. */
  labels: Array<number | string> | null;
  labelOutput: string | null;
};

/** A model output Oversight cannot read as P(positive); the message says why and what to do. */
export class ModelOutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelOutputError";
  }
}

// Names exporters give the probability output, most specific first: skl2onnx (zipmap off, then
// on), then common hand-written names. The label names are skl2onnx's.
export const PROBABILITY_NAMES = [
  "probabilities",
  "output_probability",
  "probability",
  "probas",
  "proba",
  "prob",
  "scores",
  "score",
  "output",
];
const LABEL_NAMES = ["label", "output_label", "labels", "predicted_label"];
const FLOAT_TYPES = new Set(["float32", "float64"]);
// A float32 row [1 − p, p] sums to 1 within ~1e-7; a wider gap means the columns are not one distribution.
const ROW_SUM_TOLERANCE = 1e-3;

const ZIPMAP_FIX =
  "this is scikit-learn's ZipMap (a sequence of maps), which onnxruntime-node cannot return. Export without it — skl2onnx: " +
  "to_onnx(model, X, options={id(model): {'zipmap': False}}) — and declare probabilityOutput 'probabilities'";

const list = (names: readonly string[]) => names.map((name) => `'${name}'`).join(", ");

/**
 * The output names to fetch from session.run: every tensor output. Refuses, naming the skl2onnx
 * fix, when the probability output (the declared one, else one named like skl2onnx's) is a
 * sequence of maps, since onnxruntime-node fails a run that fetches one.
 */
export function classifierFetchesOrThrow(outputs: readonly TOutputMetadata[], probabilityOutput?: string): string[] {
  const tensors = outputs.filter((output) => output.isTensor).map((output) => output.name);
  if (probabilityOutput !== undefined) {
    const declared = outputs.find((output) => output.name === probabilityOutput);
    if (!declared)
      throw new ModelOutputError(`the model has no output '${probabilityOutput}' (it has ${list(outputs.map((output) => output.name))})`);
    if (!declared.isTensor) throw new ModelOutputError(`output '${probabilityOutput}' is not a tensor: ${ZIPMAP_FIX}`);
    return tensors;
  }
  const named = outputs.find((output) => PROBABILITY_NAMES.includes(output.name));
  if (named && !named.isTensor) throw new ModelOutputError(`output '${named.name}' is not a tensor: ${ZIPMAP_FIX}`);
  if (tensors.length === 0) throw new ModelOutputError(`no output of the model is a tensor: ${ZIPMAP_FIX}`);
  return tensors;
}

/**
 * P(positive) per row from a binary classifier's outputs (layouts in the header): the output named
 * `probabilityOutput`, else one with a conventional name (`probabilities`, `probability`, …), else
 * the only float output. A two-column output gives column `positiveIndex` (default 1, scikit-learn's
 * classes_[1]); a one-column output is P(class 1), so positiveIndex 0 gives 1 − it.
 */
export function readBinaryClassifierOutputs(input: {
  outputs: Readonly<Record<string, TOutputTensor>>;
  rowCount: number;
  probabilityOutput?: string;
  positiveIndex?: 0 | 1;
}): TClassifierReading {
  const { outputs, rowCount } = input;
  const positiveIndex = input.positiveIndex ?? 1;
  const probabilityOutput = chooseProbabilityOutput(outputs, input.probabilityOutput);
  const tensor = outputs[probabilityOutput];
  const columns = probabilityColumns(probabilityOutput, tensor, rowCount);
  const data = tensor.data as ArrayLike<number>;

  const probabilities = new Float64Array(rowCount);
  for (let row = 0; row < rowCount; row += 1) {
    for (let column = 0; column < columns; column += 1) {
      const value = data[row * columns + column];
      if (!(value >= 0 && value <= 1)) {
        throw new ModelOutputError(
          `output '${probabilityOutput}' gave ${value} for row ${row + 1}${columns === 2 ? `, column ${column}` : ""}, not a probability in [0, 1]`,
        );
      }
    }
    if (columns === 2) {
      const sum = data[row * 2] + data[row * 2 + 1];
      if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
        throw new ModelOutputError(
          `output '${probabilityOutput}' row ${row + 1} sums to ${sum}, not 1: its two columns are not the probabilities of the two classes`,
        );
      }
      probabilities[row] = data[row * 2 + positiveIndex];
    } else {
      probabilities[row] = positiveIndex === 1 ? data[row] : 1 - data[row];
    }
  }
  const labelOutput = chooseLabelOutput(outputs, probabilityOutput, rowCount);
  const labels = labelOutput
    ? Array.from(outputs[labelOutput].data as ArrayLike<number | bigint | string>, (label) =>
        typeof label === "bigint" ? Number(label) : label,
      )
    : null;
  return { probabilities, probabilityOutput, columns, labels, labelOutput };
}

function chooseProbabilityOutput(outputs: Readonly<Record<string, TOutputTensor>>, declared: string | undefined): string {
  const names = Object.keys(outputs);
  if (declared !== undefined) {
    if (!outputs[declared]) throw new ModelOutputError(`the model has no output '${declared}' (it has ${list(names)})`);
    return declared;
  }
  const named = PROBABILITY_NAMES.find((name) => outputs[name] && FLOAT_TYPES.has(outputs[name].type));
  if (named) return named;
  const floats = names.filter((name) => FLOAT_TYPES.has(outputs[name].type));
  if (floats.length === 1) return floats[0];
  throw new ModelOutputError(
    floats.length === 0
      ? `no output of the model is a float tensor (it has ${list(names)}), so none holds probabilities`
      : `cannot tell which output holds the probabilities among ${list(floats)}: declare it as probabilityOutput`,
  );
}

function probabilityColumns(name: string, tensor: TOutputTensor, rowCount: number): 1 | 2 {
  if (!FLOAT_TYPES.has(tensor.type)) {
    const hint =
      LABEL_NAMES.includes(name) || tensor.type === "int64" || tensor.type === "string" ? " (class labels, not probabilities)" : "";
    throw new ModelOutputError(`output '${name}' holds ${tensor.type} values${hint}; the probability output must be a float tensor`);
  }
  const dims = tensor.dims;
  const shape = `[${dims.join(", ")}]`;
  if (dims[0] !== rowCount || dims.length > 2 || dims.length === 0) {
    throw new ModelOutputError(
      `output '${name}' has shape ${shape} for ${rowCount} input rows; a binary classifier gives [${rowCount}], [${rowCount}, 1] or [${rowCount}, 2]`,
    );
  }
  const columns = dims.length === 1 ? 1 : dims[1];
  if (columns > 2) {
    throw new ModelOutputError(
      `output '${name}' has ${columns} columns (shape ${shape}): Oversight serves binary classifiers only, with P(positive) as one column or two (P(class 0), P(class 1))`,
    );
  }
  if (columns !== 1 && columns !== 2) throw new ModelOutputError(`output '${name}' has shape ${shape}: no column to read`);
  if (tensor.data.length !== rowCount * columns)
    throw new ModelOutputError(`output '${name}' has ${tensor.data.length} values for shape ${shape}`);
  return columns;
}

function chooseLabelOutput(outputs: Readonly<Record<string, TOutputTensor>>, probabilityOutput: string, rowCount: number): string | null {
  const isLabels = (name: string) =>
    name !== probabilityOutput &&
    !FLOAT_TYPES.has(outputs[name].type) &&
    outputs[name].dims.length === 1 &&
    outputs[name].dims[0] === rowCount;
  const named = LABEL_NAMES.find((name) => outputs[name] && isLabels(name));
  if (named) return named;
  const candidates = Object.keys(outputs).filter(isLabels);
  return candidates.length === 1 ? candidates[0] : null;
}

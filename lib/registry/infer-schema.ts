import { PROBABILITY_NAMES } from "../onnx/model-output";
import type { TOnnxSignature, TValueSignature } from "../onnx/signature";
import { TENSOR_TYPES, type TInputSchema, type TOutputSchema, type TTensorType } from "./input-schema";

/** "a" or "an" before a type name read from the model ("an int8 tensor", "a sequence"). */
const article = (word: string) => (/^[aeiou]/i.test(word) ? "an" : "a");

/*
 * A schema proposed from what a user already has: the ONNX file's signature and a labelled
 * reference CSV. The user reviews it (the CLI can save it with --save-schema; the browser shows it
 * as a table) before the server checks it like a hand-written one.
 *
 * - Model inputs: for one tensor input [batch, width], every CSV column except the label and the
 *   columns named as context (sensitive attributes and others), in CSV order; their count must be
 *   the width. For one input per feature, the columns named like the inputs, in the model's order,
 *   each recording its ONNX input and element type (float32, float64, int64, string).
 * - Types: numeric when every value is a number, boolean when every value is true/false, else
 *   categorical with its values as the allowed ones; a string input is always categorical. The reference range goes in the description,
 *   not as a bound: serving would refuse every value beyond the reference sample's extremes.
 * - Classes: the model's own labels (classlabels_* of its classifier or ZipMap) when it names them,
 *   else the label column's two values sorted as scikit-learn's classes_ (numerically when they are
 *   numbers), which registration checks against the model's label output.
 */

export type TSchemaProposalInput = {
  signature: TOnnxSignature;
  /** The classes the model names in column order (lib/onnx/class-labels), or null. */
  modelClassLabels: readonly string[] | null;
  header: readonly string[];
  records: ReadonlyArray<Record<string, string>>;
  labelColumn: string;
  positiveClass: string;
  /** Columns that are sensitive attributes: context kept for fairness, not model inputs. */
  sensitive?: readonly string[];
  /** Other columns that are not model inputs (ids, dates, segment), kept as context. */
  context?: readonly string[];
  threshold?: number;
};

export type TSchemaProposal =
  | { ok: true; inputSchema: TInputSchema; outputSchema: TOutputSchema; notes: string[] }
  | { ok: false; errors: Array<{ field: string; message: string }> };

type TColumnType =
  | { type: "numeric"; min: number; max: number }
  | { type: "boolean" }
  | { type: "categorical"; values: string[] }
  | { type: "empty"; row: number };

const MAX_LISTED = 8;
const quoted = (values: readonly string[]) =>
  values
    .slice(0, MAX_LISTED)
    .map((value) => `'${value}'`)
    .join(", ") + (values.length > MAX_LISTED ? `, … (${values.length} in all)` : "");

function columnType(records: ReadonlyArray<Record<string, string>>, column: string): TColumnType {
  const values = records.map((record) => (record[column] ?? "").trim());
  const empty = values.findIndex((value) => value === "");
  if (empty >= 0) return { type: "empty", row: empty + 2 }; // +2: 1-based, after the header
  if (values.every((value) => Number.isFinite(Number(value)))) {
    let min = Infinity;
    let max = -Infinity;
    for (const value of values) {
      const number = Number(value);
      if (number < min) min = number;
      if (number > max) max = number;
    }
    return { type: "numeric", min, max };
  }
  if (values.every((value) => ["true", "false"].includes(value.toLowerCase()))) return { type: "boolean" };
  return { type: "categorical", values: [...new Set(values)].sort() };
}

/** scikit-learn's classes_ order (np.unique): numeric when every label is a number, else by code point. */
function sortedClasses(values: readonly string[]): string[] {
  const distinct = [...new Set(values)];
  return distinct.every((value) => Number.isFinite(Number(value)))
    ? distinct.sort((a, b) => Number(a) - Number(b))
    : distinct.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The output holding the probabilities: a ZipMap's (removed at registration), else a float tensor named like one, else the only one. */
function probabilityOutputOf(outputs: readonly TValueSignature[]): string | null {
  const sequences = outputs.filter((output) => output.kind === "sequence");
  if (sequences.length === 1) return sequences[0].name;
  const floats = outputs.filter((output) => output.kind === "tensor" && (output.type === "float32" || output.type === "float64"));
  const named = PROBABILITY_NAMES.find((name) => floats.some((output) => output.name === name));
  if (named) return named;
  return floats.length === 1 ? floats[0].name : null;
}

/** Proposes the input and output schema of a version (rules in the header); errors name the field and say what to do. */
export function proposeSchema(input: TSchemaProposalInput): TSchemaProposal {
  const errors: Array<{ field: string; message: string }> = [];
  const notes: string[] = [];
  const sensitive = [...new Set(input.sensitive ?? [])];
  const context = [...new Set(input.context ?? [])].filter((column) => !sensitive.includes(column));
  const header = input.header;
  if (!header.includes(input.labelColumn))
    errors.push({ field: "labelColumn", message: `the reference CSV has no column '${input.labelColumn}' (it has ${quoted(header)})` });
  for (const column of [...sensitive, ...context]) {
    if (!header.includes(column)) errors.push({ field: "sensitive", message: `the reference CSV has no column '${column}'` });
    if (column === input.labelColumn)
      errors.push({ field: "sensitive", message: `'${column}' is the label column; it cannot also be context` });
  }
  if (input.records.length === 0) errors.push({ field: "reference", message: "the reference CSV has a header but no rows" });
  if (input.signature.inputs.length === 0) errors.push({ field: "onnx", message: "the ONNX model declares no input" });
  if (errors.length > 0) return { ok: false, errors };

  // Model inputs, in the order the model takes them.
  const tensorInputs = input.signature.inputs;
  let modelInputs: string[];
  const oneTensor = tensorInputs.length === 1 && (tensorInputs[0].dims?.length ?? 2) === 2 && !header.includes(tensorInputs[0].name);
  if (oneTensor) {
    const only = tensorInputs[0];
    const width = only.dims?.[1];
    modelInputs = header.filter((column) => column !== input.labelColumn && !sensitive.includes(column) && !context.includes(column));
    if (typeof width === "number" && modelInputs.length !== width) {
      return {
        ok: false,
        errors: [
          {
            field: "reference",
            message:
              `the model's input '${only.name}' takes ${width} features, but the CSV has ${modelInputs.length} columns besides the label ` +
              `and the context columns (${quoted(modelInputs)}): name the columns that are not model inputs with --sensitive or --context, ` +
              `or give the schema`,
          },
        ],
      };
    }
    notes.push(`${modelInputs.length} model inputs, in the CSV's column order, feed the model's input '${only.name}'`);
  } else {
    modelInputs = tensorInputs.map((tensor) => tensor.name);
    const missing = modelInputs.filter((name) => !header.includes(name));
    if (missing.length > 0)
      return {
        ok: false,
        errors: [{ field: "reference", message: `the model's inputs ${quoted(missing)} have no column of that name in the reference CSV` }],
      };
    for (const tensor of tensorInputs) {
      const width = tensor.dims?.[1];
      if (tensor.kind !== "tensor" || !TENSOR_TYPES.includes(tensor.type as TTensorType))
        errors.push({
          field: "onnx",
          message: `the model's input '${tensor.name}' is ${tensor.kind === "tensor" ? `${article(String(tensor.type))} ${tensor.type} tensor` : `${article(tensor.kind)} ${tensor.kind}`}; Oversight feeds ${TENSOR_TYPES.join(", ")} tensors`,
        });
      else if ((tensor.dims?.length ?? 2) > 2 || (typeof width === "number" && width !== 1))
        errors.push({
          field: "onnx",
          message: `the model's input '${tensor.name}' has shape [${tensor.dims?.join(", ")}]; with one input per feature each is [batch, 1] or [batch]`,
        });
    }
    if (errors.length > 0) return { ok: false, errors };
    notes.push(`one model input per feature: ${quoted(modelInputs)}`);
  }
  const perFeature = !oneTensor;
  const contextColumns = header.filter((column) => column !== input.labelColumn && !modelInputs.includes(column));

  const features: TInputSchema["features"] = [];
  for (const column of [...modelInputs, ...contextColumns]) {
    const isInput = modelInputs.includes(column);
    const type = columnType(input.records, column);
    if (type.type === "empty") {
      errors.push({ field: "reference", message: `reference row ${type.row}, column ${column}: the value is empty` });
      continue;
    }
    const tensor = perFeature && isInput ? tensorInputs.find((candidate) => candidate.name === column) : undefined;
    const takesText = tensor?.type === "string";
    const base = {
      name: column,
      sensitive: sensitive.includes(column),
      modelInput: isInput,
      ...(tensor ? { onnxInput: tensor.name, tensorType: tensor.type as TTensorType } : {}),
    };
    if (takesText) {
      // A string tensor takes categories, even when they look like numbers (codes, zip codes).
      const values = [...new Set(input.records.map((record) => (record[column] ?? "").trim()))].sort();
      features.push({ ...base, type: "categorical", allowedValues: values });
      continue;
    }
    if (
      tensor?.type === "int64" &&
      type.type === "numeric" &&
      !input.records.every((record) => Number.isSafeInteger(Number(record[column])))
    ) {
      errors.push({ field: "reference", message: `column '${column}' holds non-integers but the model's input '${column}' is int64` });
      continue;
    }
    if (isInput && type.type === "categorical" && !takesText) {
      errors.push({
        field: "reference",
        message: `column '${column}' holds text (${quoted(type.values)}) that a numeric model input cannot take: name it with --context or --sensitive if it is not a model input`,
      });
      continue;
    }
    if (type.type === "numeric")
      features.push({ ...base, type: "numeric", description: `reference range ${type.min} to ${type.max} (${input.records.length} rows)` });
    else if (type.type === "boolean") features.push({ ...base, type: "boolean" });
    else features.push({ ...base, type: "categorical", allowedValues: type.values });
  }

  const probabilityOutput = probabilityOutputOf(input.signature.outputs);
  if (!probabilityOutput)
    errors.push({
      field: "onnx",
      message: `cannot tell which output holds the probabilities among ${quoted(input.signature.outputs.map((output) => output.name))}: give the schema with its probabilityOutput`,
    });

  const labels = input.records.map((record) => (record[input.labelColumn] ?? "").trim());
  const modelClasses = input.modelClassLabels;
  const classes = modelClasses ? [...modelClasses] : sortedClasses(labels);
  if (classes.length !== 2)
    errors.push({
      field: "labelColumn",
      message: modelClasses
        ? `the model names ${classes.length} classes (${quoted(classes)}); Oversight serves binary classifiers only`
        : `the label column '${input.labelColumn}' holds ${classes.length} distinct values (${quoted(classes)}); a binary classifier's reference has two`,
    });
  else {
    const stranger = labels.findIndex((label) => !classes.includes(label));
    if (stranger >= 0)
      errors.push({
        field: "labelColumn",
        message: `reference row ${stranger + 2}, column ${input.labelColumn}: '${labels[stranger]}' is not one of the model's classes ${quoted(classes)}`,
      });
    if (!classes.includes(input.positiveClass))
      errors.push({
        field: "positiveClass",
        message: `the positive class '${input.positiveClass}' is not one of the classes ${quoted(classes)}${modelClasses ? " the model names" : ` of column '${input.labelColumn}'`}`,
      });
  }
  if (errors.length > 0) return { ok: false, errors };

  notes.push(
    modelClasses
      ? `classes in column order ${quoted(classes)}, as the model names them; positive class '${input.positiveClass}'`
      : `classes in column order ${quoted(classes)}, sorted as scikit-learn's classes_ (the model does not name them; registration checks the order against its label output); positive class '${input.positiveClass}'`,
  );
  if (contextColumns.length > 0) notes.push(`context, not model inputs: ${quoted(contextColumns)}`);
  if (sensitive.length === 0) notes.push("no sensitive attribute: the fairness gate will be not applicable");
  const output = input.signature.outputs.find((candidate) => candidate.name === probabilityOutput);
  if (output?.kind === "sequence")
    notes.push(
      `'${probabilityOutput}' is a ZipMap (sequence of maps): registration removes it and serves its input tensor under this name`,
    );

  return {
    ok: true,
    inputSchema: { features },
    outputSchema: {
      probabilityOutput: probabilityOutput!,
      positiveLabel: input.positiveClass,
      negativeLabel: classes.find((label) => label !== input.positiveClass)!,
      threshold: input.threshold ?? 0.5,
      labelColumn: input.labelColumn,
      classLabels: [classes[0], classes[1]],
    },
    notes,
  };
}

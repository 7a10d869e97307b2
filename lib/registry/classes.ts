import type { TOutputSchema } from "./input-schema";

/*
 * Which probability column is the positive class. A two-column output [N, 2] holds P(class k) in
 * column k; the output schema's classLabels name those classes in column order (read from the
 * model where it says them, else declared), and positiveLabel says which one is positive. Without
 * classLabels the positive class is column 1, as scikit-learn's classes_[1] of a 0/1 target.
 */

/** What the one reader of model outputs needs to read P(positive): the output and the positive column. */
export type TClassifierOutputOf = { probabilityOutput: string; positiveIndex: 0 | 1 };

/** The column of the positive class: positiveLabel's place in classLabels, else 1. */
export function positiveIndexOf(outputSchema: Pick<TOutputSchema, "classLabels" | "positiveLabel">): 0 | 1 {
  return outputSchema.classLabels?.[0] === outputSchema.positiveLabel ? 0 : 1;
}

export function classifierOutputOf(outputSchema: TOutputSchema): TClassifierOutputOf {
  return { probabilityOutput: outputSchema.probabilityOutput, positiveIndex: positiveIndexOf(outputSchema) };
}

export type TClassResolution = { ok: true; classLabels: [string, string] | undefined } | { ok: false; field: string; message: string };

const quoted = (labels: readonly string[]) => labels.map((label) => `'${label}'`).join(", ");

/**
 * The class labels of a version in column order: the model's own (classlabels_ints / _strings of
 * its classifier node) when it has them, else the declared ones. Refuses declared labels that
 * contradict the model's, and a positiveLabel / negativeLabel that is not one of the two classes.
 */
export function resolveClassLabels({
  declared,
  fromModel,
}: {
  declared: Pick<TOutputSchema, "classLabels" | "positiveLabel" | "negativeLabel">;
  fromModel: readonly string[] | null;
}): TClassResolution {
  if (fromModel && fromModel.length !== 2)
    return {
      ok: false,
      field: "outputSchema.classLabels",
      message: `the model names ${fromModel.length} classes (${quoted(fromModel)}); Oversight serves binary classifiers only`,
    };
  if (fromModel && declared.classLabels && declared.classLabels.some((label, index) => label !== fromModel[index]))
    return {
      ok: false,
      field: "outputSchema.classLabels",
      message: `the model names its classes in column order ${quoted(fromModel)}, not ${quoted(declared.classLabels)} as declared`,
    };
  const classLabels = (fromModel ?? declared.classLabels) as [string, string] | undefined;
  if (!classLabels) return { ok: true, classLabels: undefined };
  const origin = fromModel ? "the model's classes" : "the declared classLabels";
  if (!classLabels.includes(declared.positiveLabel))
    return {
      ok: false,
      field: "outputSchema.positiveLabel",
      message: `positiveLabel '${declared.positiveLabel}' is not one of ${origin} (${quoted(classLabels)}, in column order): name the positive class by its label`,
    };
  const other = classLabels.find((label) => label !== declared.positiveLabel)!;
  if (declared.negativeLabel !== other)
    return {
      ok: false,
      field: "outputSchema.negativeLabel",
      message: `negativeLabel must be the other class, '${other}', of ${origin} (${quoted(classLabels)})`,
    };
  return { ok: true, classLabels };
}

// Rows closer than this to 0.5 have no class of highest probability worth comparing (float32 ties).
const TIE_TOLERANCE = 1e-6;
const MAX_NAMED_ROWS = 10;

export type TLabelCheck =
  { ok: true; checkedRows: number; disagreeingRows: number[] } | { ok: false; contradictingRows: number[]; message: string };

/**
 * Checks the class order against the model's own label output: on each row, the label the model
 * gives should be the class of the highest probability. A mapping that every decided row
 * contradicts is the columns read the wrong way round and is refused, naming the rows. Some
 * runtimes label by another rule on some rows (onnxruntime's two-class TreeEnsembleClassifier
 * labels class 1 whenever P(class 1) > 0), so a partial disagreement is reported, not refused.
 * Rows are numbered from 1, as the reference CSV's data rows.
 */
export function checkLabelOutput({
  positiveProbabilities,
  positiveIndex,
  labels,
  classLabels,
}: {
  positiveProbabilities: ArrayLike<number>;
  positiveIndex: 0 | 1;
  labels: ReadonlyArray<number | string>;
  /** The classes in column order; without them, a label output of 0 / 1 names the column itself. */
  classLabels: readonly [string, string] | undefined;
}): TLabelCheck {
  const classes = classLabels ?? ["0", "1"];
  if (!labels.every((label) => classes.includes(String(label)))) {
    // A label output in other terms (e.g. strings with no classLabels declared) says nothing about column order.
    return { ok: true, checkedRows: 0, disagreeingRows: [] };
  }
  const disagreeing: number[] = [];
  let checkedRows = 0;
  for (let row = 0; row < labels.length; row += 1) {
    const positive = positiveProbabilities[row];
    if (Math.abs(positive - 0.5) <= TIE_TOLERANCE) continue;
    checkedRows += 1;
    const highestColumn = positive > 0.5 ? positiveIndex : 1 - positiveIndex;
    if (String(labels[row]) !== classes[highestColumn]) disagreeing.push(row + 1);
  }
  if (checkedRows > 0 && disagreeing.length === checkedRows) {
    const named = disagreeing.slice(0, MAX_NAMED_ROWS).join(", ") + (disagreeing.length > MAX_NAMED_ROWS ? ", …" : "");
    return {
      ok: false,
      contradictingRows: disagreeing,
      message:
        `the model's label output contradicts the class order ${quoted(classes)} on every row (rows ${named}): ` +
        `its label is never the class of the highest probability, so the columns would be read the wrong way round. ` +
        `Declare classLabels in the model's column order`,
    };
  }
  return { ok: true, checkedRows, disagreeingRows: disagreeing };
}

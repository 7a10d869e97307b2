import { z } from "zod";
import { toFloat32 } from "@/lib/validation/edge";

/** The ONNX input element types a model input may have (onnxruntime's names). */
export const TENSOR_TYPES = ["float32", "float64", "int64", "bool", "string"] as const;
export type TTensorType = (typeof TENSOR_TYPES)[number];

/**
 * A feature's name as the data has it ("mean radius", "Age"): the API and the reference CSV use it
 * verbatim, so it needs only to be non-empty, unique, and free of edge spaces and control characters
 * (which a CSV header or a form would silently lose).
 */
const ZFeatureName = z
  .string()
  .min(1, "a feature name cannot be empty")
  .max(200, "a feature name is at most 200 characters")
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  .refine((name) => name === name.trim() && !/[\u0000-\u001f\u007f]/.test(name), {
    message: "a feature name has no leading or trailing spaces and no control characters",
  });

const ZFeature = z
  .object({
    name: ZFeatureName,
    type: z.enum(["numeric", "categorical", "boolean"], { error: "type must be numeric, categorical or boolean" }),
    description: z.string().max(500).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    allowedValues: z.array(z.string().min(1)).optional(),
    sensitive: z.boolean().default(false),
    modelInput: z.boolean().default(true),
    /**
     * The ONNX input this model input feeds, for models with several inputs (skl2onnx's ColumnTransformer:
     * one [N, 1] input per feature). Absent: the model's only input. Features sharing an input are its columns, in schema order.
     */
    onnxInput: z.string().min(1).max(200).optional(),
    /** The element type of that ONNX input (absent: float32). A categorical model input needs a string tensor. */
    tensorType: z.enum(TENSOR_TYPES, { error: `tensorType must be one of ${TENSOR_TYPES.join(", ")}` }).optional(),
  })
  .superRefine((feature, context) => {
    if (feature.min !== undefined && feature.max !== undefined && feature.min > feature.max) {
      context.addIssue({ code: "custom", path: ["min"], message: `min (${feature.min}) is greater than max (${feature.max})` });
    }
    if (feature.type === "categorical" && (!feature.allowedValues || feature.allowedValues.length === 0)) {
      context.addIssue({
        code: "custom",
        path: ["allowedValues"],
        message: "a categorical feature needs a non-empty list of allowed values",
      });
    }
    if (feature.type === "categorical" && feature.modelInput && feature.tensorType !== "string") {
      context.addIssue({
        code: "custom",
        path: ["modelInput"],
        message:
          "categorical features are context (e.g. sensitive attributes), not model inputs, unless the model takes them as a string tensor (tensorType: string)",
      });
    }
    if (feature.tensorType === "string" && feature.type !== "categorical") {
      context.addIssue({ code: "custom", path: ["tensorType"], message: "a string tensor input takes a categorical feature" });
    }
    if ((feature.onnxInput !== undefined || feature.tensorType !== undefined) && !feature.modelInput) {
      context.addIssue({ code: "custom", path: ["onnxInput"], message: "onnxInput and tensorType apply to model inputs only" });
    }
  });
export type TFeature = z.infer<typeof ZFeature>;

/** The input schema of a model version: model inputs in tensor order, plus context features. */
export const ZInputSchema = z
  .object({ features: z.array(ZFeature).min(1, "the schema needs at least one feature") })
  .superRefine((schema, context) => {
    const seen = new Set<string>();
    schema.features.forEach((feature, index) => {
      if (seen.has(feature.name))
        context.addIssue({ code: "custom", path: ["features", index, "name"], message: `feature '${feature.name}' is declared twice` });
      seen.add(feature.name);
    });
    if (!schema.features.some((feature) => feature.modelInput)) {
      context.addIssue({ code: "custom", path: ["features"], message: "at least one feature must be a model input" });
    }
    // Either every model input names its ONNX input or none does (then the model has one input).
    const inputs = schema.features.filter((feature) => feature.modelInput);
    const named = inputs.filter((feature) => feature.onnxInput !== undefined).length;
    if (named > 0 && named < inputs.length)
      context.addIssue({
        code: "custom",
        path: ["features"],
        message: "name the ONNX input (onnxInput) of every model input, or of none when the model has one input",
      });
    const typeOf = new Map<string, TTensorType>();
    schema.features.forEach((feature, index) => {
      if (!feature.modelInput || feature.onnxInput === undefined) return;
      const type = feature.tensorType ?? "float32";
      const seenType = typeOf.get(feature.onnxInput);
      if (seenType && seenType !== type)
        context.addIssue({
          code: "custom",
          path: ["features", index, "tensorType"],
          message: `features sharing the ONNX input '${feature.onnxInput}' must have one tensorType (${seenType}, not ${type})`,
        });
      typeOf.set(feature.onnxInput, type);
    });
    if (named === 0 && inputs.some((feature) => (feature.tensorType ?? "float32") !== (inputs[0].tensorType ?? "float32")))
      context.addIssue({ code: "custom", path: ["features"], message: "the model inputs of a one-input model share one tensorType" });
  });
export type TInputSchema = z.infer<typeof ZInputSchema>;

export const ZOutputSchema = z
  .object({
    probabilityOutput: z.string().min(1, "name the ONNX output that holds the probability"),
    positiveLabel: z.string().min(1),
    negativeLabel: z.string().min(1),
    threshold: z.number().min(0).max(1, "threshold is a probability between 0 and 1"),
    // The column of reference data that holds the true label (1/0 or the labels), for validation gates.
    labelColumn: z.string().min(1).optional(),
    /**
     * The classes of a two-column probability output in column order (column k is P(classLabels[k])),
     * read from the model at registration where it names them, else declared; positiveLabel is one of them.
     */
    classLabels: z.tuple([z.string().min(1), z.string().min(1)]).optional(),
  })
  .refine((output) => output.positiveLabel !== output.negativeLabel, { path: ["negativeLabel"], message: "the two labels must differ" })
  .refine((output) => !output.classLabels || output.classLabels[0] !== output.classLabels[1], {
    path: ["classLabels"],
    message: "the two class labels must differ",
  });
export type TOutputSchema = z.infer<typeof ZOutputSchema>;

/** The features fed to the model, in tensor order. */
export function modelInputFeatures(schema: TInputSchema): TFeature[] {
  return schema.features.filter((feature) => feature.modelInput);
}

/** One row of model inputs as the model takes them, in schema order: numbers, and strings for string tensors. */
export type TInputRow = Array<number | string>;

/** A model input that is not float32 keeps its exact value in the prediction's attributes (the features column is real[]). */
export function keepsExactValue(feature: TFeature): boolean {
  return feature.modelInput && !["float32", "bool"].includes(feature.tensorType ?? "float32");
}

/** A model input's value as the features column stores it: a category by its index among the allowed values. */
export function storedInputValue(feature: TFeature, value: number | string): number {
  if (typeof value === "number") return value;
  return feature.allowedValues?.indexOf(value) ?? -1;
}

export type TEncodeResult =
  | {
      ok: true;
      /** The model inputs as the features column stores them (real[]; a category as its index among the allowed values). */
      tensorRow: number[];
      /** The model inputs as the model takes them (exact doubles and int64, category strings). */
      inputRow: TInputRow;
      attributes: Record<string, string | number | boolean>;
    }
  | { ok: false; errors: Array<{ field: string; message: string }> };

/**
 * Validates one feature-named instance against the schema and encodes its model inputs as a
 * tensor row (booleans as 0 / 1). Every failing field is reported, not only the first.
 */
export function encodeInstance({ schema, instance }: { schema: TInputSchema; instance: Record<string, unknown> }): TEncodeResult {
  const errors: Array<{ field: string; message: string }> = [];
  const encoded: TEncoded = { tensorRow: [], inputRow: [], attributes: {} };
  const { attributes } = encoded;
  const known = featureNamesOf(schema);
  for (const name of Object.keys(instance)) if (!known.has(name)) errors.push({ field: name, message: "is not a feature of this model" });
  for (const feature of schema.features) {
    const value = instance[feature.name];
    if (value === undefined || value === null) {
      // Context features are optional; a model cannot run without its inputs.
      if (feature.modelInput) errors.push({ field: feature.name, message: "is required" });
      continue;
    }
    const tensorType = feature.modelInput ? (feature.tensorType ?? "float32") : null;
    if (feature.type === "numeric") {
      if (typeof value !== "number" || !Number.isFinite(value))
        errors.push({ field: feature.name, message: `must be a number, got ${JSON.stringify(value)}` });
      else if (feature.min !== undefined && value < feature.min)
        errors.push({ field: feature.name, message: `must be at least ${feature.min}, got ${value}` });
      else if (feature.max !== undefined && value > feature.max)
        errors.push({ field: feature.name, message: `must be at most ${feature.max}, got ${value}` });
      else if (tensorType === "int64") {
        if (!Number.isSafeInteger(value)) errors.push({ field: feature.name, message: `must be an integer (int64 input), got ${value}` });
        else pushInput(encoded, feature, value);
      } else if (tensorType === "float64") pushInput(encoded, feature, value);
      else {
        // float32 inputs (the tensor and the stored `real` features): subnormals become 0, beyond ±3.4e38 is refused.
        const float = toFloat32(value);
        if (!float.ok) errors.push({ field: feature.name, message: float.message });
        else if (feature.modelInput) pushInput(encoded, feature, float.value);
        else attributes[feature.name] = value;
      }
    } else if (feature.type === "boolean") {
      if (typeof value !== "boolean") errors.push({ field: feature.name, message: `must be true or false, got ${JSON.stringify(value)}` });
      else if (feature.modelInput) pushInput(encoded, feature, value ? 1 : 0);
      else attributes[feature.name] = value;
    } else if (typeof value !== "string" || !feature.allowedValues?.includes(value)) {
      errors.push({
        field: feature.name,
        message: `must be one of ${feature.allowedValues?.map((allowed) => `'${allowed}'`).join(", ")}, got ${JSON.stringify(value)}`,
      });
    } else if (feature.modelInput) {
      pushInput(encoded, feature, value);
    } else {
      attributes[feature.name] = value;
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, ...encoded };
}

type TEncoded = { tensorRow: number[]; inputRow: TInputRow; attributes: Record<string, string | number | boolean> };

function pushInput(encoded: TEncoded, feature: TFeature, value: number | string) {
  encoded.inputRow.push(value);
  encoded.tensorRow.push(storedInputValue(feature, value));
  if (keepsExactValue(feature)) encoded.attributes[feature.name] = value;
}

// A schema's feature names, once per schema object (every request of a version encodes against the same one).
const featureNames = new WeakMap<TInputSchema, ReadonlySet<string>>();
function featureNamesOf(schema: TInputSchema): ReadonlySet<string> {
  let names = featureNames.get(schema);
  if (!names) {
    names = new Set(schema.features.map((feature) => feature.name));
    featureNames.set(schema, names);
  }
  return names;
}

/** One ONNX input of a model and the model-input columns (schema order) that fill it; `name` null is the model's only input. */
export type TModelInputSpec = { name: string | null; type: TTensorType; columns: number[]; features: string[] };

/** How the schema's model inputs map onto the model's ONNX inputs, in order of first appearance. */
export function modelInputSpecs(schema: TInputSchema): TModelInputSpec[] {
  const specs: TModelInputSpec[] = [];
  modelInputFeatures(schema).forEach((feature, column) => {
    const name = feature.onnxInput ?? null;
    let spec = specs.find((candidate) => candidate.name === name);
    if (!spec) {
      spec = { name, type: feature.tensorType ?? "float32", columns: [], features: [] };
      specs.push(spec);
    }
    spec.columns.push(column);
    spec.features.push(feature.name);
  });
  return specs;
}

/** A model-input row from values keyed by feature name (reference columns, a recorded prediction); null when one is missing. */
export function inputRowOf(schema: TInputSchema, valueOf: (feature: TFeature, column: number) => unknown): TInputRow | null {
  const row: TInputRow = [];
  for (const [column, feature] of modelInputFeatures(schema).entries()) {
    const value = valueOf(feature, column);
    if (feature.tensorType === "string") {
      if (typeof value !== "string") return null;
      row.push(value);
    } else {
      const number = typeof value === "boolean" ? Number(value) : Number(value);
      if (value === null || value === undefined || value === "" || !Number.isFinite(number)) return null;
      row.push(number);
    }
  }
  return row;
}

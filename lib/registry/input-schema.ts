import { z } from "zod";
import { toFloat32 } from "@/lib/validation/edge";

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
    if (feature.type === "categorical" && feature.modelInput) {
      context.addIssue({
        code: "custom",
        path: ["modelInput"],
        message:
          "categorical features are context (e.g. sensitive attributes), not model inputs: encode them as numeric or boolean features",
      });
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

export type TEncodeResult =
  | { ok: true; tensorRow: number[]; attributes: Record<string, string | number | boolean> }
  | { ok: false; errors: Array<{ field: string; message: string }> };

/**
 * Validates one feature-named instance against the schema and encodes its model inputs as a
 * tensor row (booleans as 0 / 1). Every failing field is reported, not only the first.
 */
export function encodeInstance({ schema, instance }: { schema: TInputSchema; instance: Record<string, unknown> }): TEncodeResult {
  const errors: Array<{ field: string; message: string }> = [];
  const tensorRow: number[] = [];
  const attributes: Record<string, string | number | boolean> = {};
  const known = new Set(schema.features.map((feature) => feature.name));
  for (const name of Object.keys(instance)) if (!known.has(name)) errors.push({ field: name, message: "is not a feature of this model" });
  for (const feature of schema.features) {
    const value = instance[feature.name];
    if (value === undefined || value === null) {
      // Context features are optional; a model cannot run without its inputs.
      if (feature.modelInput) errors.push({ field: feature.name, message: "is required" });
      continue;
    }
    if (feature.type === "numeric") {
      if (typeof value !== "number" || !Number.isFinite(value))
        errors.push({ field: feature.name, message: `must be a number, got ${JSON.stringify(value)}` });
      else if (feature.min !== undefined && value < feature.min)
        errors.push({ field: feature.name, message: `must be at least ${feature.min}, got ${value}` });
      else if (feature.max !== undefined && value > feature.max)
        errors.push({ field: feature.name, message: `must be at most ${feature.max}, got ${value}` });
      else {
        // Model inputs are float32 (the tensor and the stored `real` features): subnormals become 0, beyond ±3.4e38 is refused.
        const float = toFloat32(value);
        if (!float.ok) errors.push({ field: feature.name, message: float.message });
        else if (feature.modelInput) tensorRow.push(float.value);
        else attributes[feature.name] = value;
      }
    } else if (feature.type === "boolean") {
      if (typeof value !== "boolean") errors.push({ field: feature.name, message: `must be true or false, got ${JSON.stringify(value)}` });
      else if (feature.modelInput) tensorRow.push(value ? 1 : 0);
      else attributes[feature.name] = value;
    } else if (typeof value !== "string" || !feature.allowedValues?.includes(value)) {
      errors.push({
        field: feature.name,
        message: `must be one of ${feature.allowedValues?.map((allowed) => `'${allowed}'`).join(", ")}, got ${JSON.stringify(value)}`,
      });
    } else {
      attributes[feature.name] = value;
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, tensorRow, attributes };
}

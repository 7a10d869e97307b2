import { inputRowOf, modelInputFeatures, storedInputValue, type TInputRow, type TInputSchema } from "./input-schema";

export type TReferenceParse =
  | { ok: true; tensorRows: TInputRow[]; columns: Record<string, Array<number | string>>; labels: Array<0 | 1> | null }
  | { ok: false; errors: Array<{ field: string; message: string }> };

const MAX_REPORTED_ERRORS = 20;

/**
 * Checks reference data (CSV records as strings) against the schema: every declared feature is a
 * column, numbers parse, categories are allowed, booleans are true/false/1/0. Returns the model
 * input rows (for the smoke inference) and every feature's column (for the drift profile).
 */
export function parseReferenceRecords({
  schema,
  header,
  records,
  label,
}: {
  schema: TInputSchema;
  header: string[];
  records: Array<Record<string, string>>;
  /** The label column and the two labels, when the data carries true outcomes. */
  label?: { column: string; positive: string; negative: string };
}): TReferenceParse {
  const missing = schema.features.filter((feature) => !header.includes(feature.name)).map((feature) => feature.name);
  if (missing.length > 0)
    return { ok: false, errors: [{ field: "reference", message: `the CSV lacks the column(s) ${missing.join(", ")}` }] };
  if (records.length === 0) return { ok: false, errors: [{ field: "reference", message: "the CSV has a header but no rows" }] };
  const errors: Array<{ field: string; message: string }> = [];
  const columns: Record<string, Array<number | string>> = Object.fromEntries(schema.features.map((feature) => [feature.name, []]));
  records.forEach((record, index) => {
    for (const feature of schema.features) {
      const raw = (record[feature.name] ?? "").trim();
      const where = `reference row ${index + 2}, column ${feature.name}`; // +2: 1-based, after the header
      if (feature.type === "numeric") {
        const value = Number(raw);
        if (raw === "" || !Number.isFinite(value)) errors.push({ field: "reference", message: `${where}: '${raw}' is not a number` });
        else if (feature.modelInput && feature.tensorType === "int64" && !Number.isSafeInteger(value))
          errors.push({ field: "reference", message: `${where}: '${raw}' is not an integer (the model's input is int64)` });
        else columns[feature.name].push(value);
      } else if (feature.type === "boolean") {
        const value = ["true", "1"].includes(raw.toLowerCase()) ? 1 : ["false", "0"].includes(raw.toLowerCase()) ? 0 : null;
        if (value === null) errors.push({ field: "reference", message: `${where}: '${raw}' is not true/false` });
        else columns[feature.name].push(value);
      } else if (!feature.allowedValues?.includes(raw)) {
        errors.push({ field: "reference", message: `${where}: '${raw}' is not one of ${feature.allowedValues?.join(", ")}` });
      } else {
        columns[feature.name].push(raw);
      }
    }
  });
  let labels: Array<0 | 1> | null = null;
  if (label && header.includes(label.column)) {
    labels = records.map((record, index) => {
      const raw = (record[label.column] ?? "").trim();
      // The declared labels first: a model whose positive class is '0' (scikit-learn's malignant) labels its positives 0.
      if (raw === label.positive) return 1;
      if (raw === label.negative) return 0;
      if (raw === "1") return 1;
      if (raw === "0") return 0;
      errors.push({
        field: "reference",
        message: `reference row ${index + 2}, column ${label.column}: '${raw}' is not 1/0, ${label.positive} or ${label.negative}`,
      });
      return 0;
    });
  }
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, MAX_REPORTED_ERRORS) };
  const tensorRows = records.map((_, index) => inputRowOf(schema, (feature) => columns[feature.name][index])!);
  return { ok: true, tensorRows, columns, labels };
}

/** Rows for a smoke inference when no reference data is given: each input at the middle of its declared range. */
export function syntheticSmokeRows(schema: TInputSchema, count = 4): TInputRow[] {
  const inputs = modelInputFeatures(schema);
  return Array.from({ length: count }, (_, row) =>
    inputs.map((feature) => {
      if (feature.type === "boolean") return row % 2;
      if (feature.type === "categorical") {
        const values = feature.allowedValues ?? [""];
        return values[row % values.length];
      }
      const low = feature.min ?? 0;
      const high = feature.max ?? low + 1;
      const middle = low + ((high - low) * (row + 1)) / (count + 1);
      return feature.tensorType === "int64" ? Math.round(middle) : middle;
    }),
  );
}

/** The drift and validation baseline stored with a version: at most `maxRows` reference rows, column by column. */
export type TReferenceProfile = {
  rowCount: number;
  sampleRows: number;
  columns: Record<string, Array<number | string>>;
  labels: Array<0 | 1> | null;
};

export function buildReferenceProfile(
  reference: { tensorRows: TInputRow[]; columns: Record<string, Array<number | string>>; labels: Array<0 | 1> | null },
  maxRows: number,
): TReferenceProfile {
  return {
    rowCount: reference.tensorRows.length,
    sampleRows: Math.min(reference.tensorRows.length, maxRows),
    columns: Object.fromEntries(Object.entries(reference.columns).map(([name, values]) => [name, values.slice(0, maxRows)])),
    labels: reference.labels?.slice(0, maxRows) ?? null,
  };
}

/** The reference sample's model-input rows, one per sample row (strings kept for string tensors, numbers as numbers). */
export function referenceInputRows(schema: TInputSchema, profile: TReferenceProfile): TInputRow[] {
  const inputs = modelInputFeatures(schema);
  return Array.from({ length: profile.sampleRows }, (_, index) =>
    inputs.map((feature) => {
      const value = profile.columns[feature.name]?.[index];
      return feature.tensorType === "string" ? String(value) : Number(value);
    }),
  );
}

/** The same rows as the features column stores them (a category as its index among the allowed values), for drift against traffic. */
export function referenceStoredRows(schema: TInputSchema, profile: TReferenceProfile): number[][] {
  const inputs = modelInputFeatures(schema);
  return referenceInputRows(schema, profile).map((row) => row.map((value, column) => storedInputValue(inputs[column], value)));
}

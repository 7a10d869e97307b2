import {
  inputRowOf,
  keepsExactValue,
  modelInputFeatures,
  type TFeature,
  type TInputRow,
  type TInputSchema,
} from "../registry/input-schema";
import { cellOf, emptyCellSums, type TCellSums } from "./value";

/** A recorded prediction as the predictions table keeps it: model inputs (real[]) in its version's schema order, context attributes. */
export type TRecordedRow = { features: readonly number[]; attributes: Record<string, unknown> | null };

/**
 * A recorded input's value by feature name, read through the schema of the version that made the
 * prediction: a model input from the features column (or, for a non-float32 input, its exact value
 * kept in the attributes; a category stored as its index back to its name), else a context attribute.
 * Undefined when the prediction does not carry it.
 */
function recordedValue(rowSchema: TInputSchema | null, row: TRecordedRow, name: string): unknown {
  const inputs: TFeature[] = rowSchema ? modelInputFeatures(rowSchema) : [];
  const column = inputs.findIndex((feature) => feature.name === name);
  if (column < 0) return row.attributes?.[name];
  const feature = inputs[column];
  if (keepsExactValue(feature) && row.attributes && name in row.attributes) return row.attributes[name];
  const stored = row.features[column];
  if (feature.type === "categorical" && feature.allowedValues) return feature.allowedValues[stored];
  return stored;
}

/**
 * The row another version would have been given: its model inputs, by name, from a prediction made
 * under `rowSchema` (lib/registry inputRowOf: null when one is missing or of the wrong kind).
 */
export function rescoringInputRow(targetSchema: TInputSchema, rowSchema: TInputSchema | null, row: TRecordedRow): TInputRow | null {
  return inputRowOf(targetSchema, (feature) => {
    const value = recordedValue(rowSchema, row, feature.name);
    // A float32 categorical input takes the category's index, as the features column stores it.
    if (feature.tensorType !== "string" && feature.type === "categorical" && typeof value === "string")
      return feature.allowedValues?.indexOf(value) ?? -1;
    return value;
  });
}

/** The value matrix's scaling input on a recorded row: a number, else 0 (as db/queries/cost-inputs.ts values it). */
export function recordedScale(rowSchema: TInputSchema | null, row: TRecordedRow, scaleInput: string | null): number {
  if (!scaleInput) return 1;
  const value = recordedValue(rowSchema, row, scaleInput);
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/**
 * The served decisions' cells and the baseline's cells on the same labelled rows: each row adds 1
 * and its scale to the cell (decision, outcome) of each; the baseline decides positive when its
 * P(positive) ≥ its own threshold (the serving rule).
 */
export function cellsOnSameRows(
  rows: ReadonlyArray<{ predicted: 0 | 1; actual: 0 | 1; scale: number; baselineProbability: number }>,
  baselineThreshold: number,
): { model: TCellSums; baseline: TCellSums } {
  const model = emptyCellSums();
  const baseline = emptyCellSums();
  for (const row of rows) {
    const served = model[cellOf(row.predicted === 1, row.actual === 1)];
    served.count += 1;
    served.scale += row.scale;
    const other = baseline[cellOf(row.baselineProbability >= baselineThreshold, row.actual === 1)];
    other.count += 1;
    other.scale += row.scale;
  }
  return { model, baseline };
}

import { describe, expect, it } from "vitest";
import type { TInputSchema } from "../registry/input-schema";
import { cellsOnSameRows, recordedScale, rescoringInputRow } from "./baseline";

const feature = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  type: "numeric",
  modelInput: true,
  sensitive: false,
  ...extra,
});
// The version that served: income, amount, region (a category stored as its index); sex is context.
const served = {
  features: [
    feature("income"),
    feature("amount"),
    feature("region", { type: "categorical", allowedValues: ["north", "south"] }),
    feature("sex", { type: "categorical", modelInput: false, allowedValues: ["f", "m"] }),
  ],
} as unknown as TInputSchema;
const row = { features: [52_000, 12_500, 1], attributes: { sex: "f", tenure: 4 } };

describe("rescoringInputRow", () => {
  it("gives another version its inputs by name, whatever their order, from the stored row and the attributes", () => {
    // The previous champion took amount first, tenure (a context attribute of the served version) and region as a string tensor.
    const previous = {
      features: [
        feature("amount"),
        feature("tenure"),
        feature("region", { type: "categorical", allowedValues: ["north", "south"], tensorType: "string" }),
      ],
    } as unknown as TInputSchema;
    expect(rescoringInputRow(previous, served, row)).toEqual([12_500, 4, "south"]);
  });

  it("skips a row that lacks an input the other version needs", () => {
    const needsAge = { features: [feature("amount"), feature("age")] } as unknown as TInputSchema;
    expect(rescoringInputRow(needsAge, served, row)).toBeNull();
  });
});

describe("recordedScale", () => {
  it("reads the scaling input from the model inputs or the attributes, 0 when it is not a number, 1 without one", () => {
    expect(recordedScale(served, row, "amount")).toBe(12_500);
    expect(recordedScale(served, row, "tenure")).toBe(4);
    expect(recordedScale(served, row, "sex")).toBe(0);
    expect(recordedScale(served, row, null)).toBe(1);
  });
});

describe("cellsOnSameRows", () => {
  it("counts each row once in the served decision's cell and once in the baseline's, at the baseline's threshold (≥)", () => {
    // By hand: row 1 served decline/defaulted → tp, baseline 0.3 ≥ 0.3 → tp; row 2 served approve/repaid → tn, baseline 0.9 → fp;
    // row 3 served decline/repaid → fp, baseline 0.1 → tn.
    const cells = cellsOnSameRows(
      [
        { predicted: 1, actual: 1, scale: 100, baselineProbability: 0.3 },
        { predicted: 0, actual: 0, scale: 200, baselineProbability: 0.9 },
        { predicted: 1, actual: 0, scale: 50, baselineProbability: 0.1 },
      ],
      0.3,
    );
    expect(cells.model).toEqual({
      tp: { count: 1, scale: 100 },
      fp: { count: 1, scale: 50 },
      tn: { count: 1, scale: 200 },
      fn: { count: 0, scale: 0 },
    });
    expect(cells.baseline).toEqual({
      tp: { count: 1, scale: 100 },
      fp: { count: 1, scale: 200 },
      tn: { count: 1, scale: 50 },
      fn: { count: 0, scale: 0 },
    });
  });
});

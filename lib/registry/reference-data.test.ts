import { describe, expect, it } from "vitest";
import { ZInputSchema } from "./input-schema";
import { parseReferenceRecords, syntheticSmokeRows } from "./reference-data";

const schema = ZInputSchema.parse({
  features: [
    { name: "income", type: "numeric", min: 0, max: 100 },
    { name: "owner", type: "boolean" },
    { name: "sex", type: "categorical", allowedValues: ["female", "male"], modelInput: false, sensitive: true },
  ],
});
const header = ["income", "owner", "sex", "label"];

describe("parseReferenceRecords", () => {
  it("returns model-input rows and feature columns", () => {
    const result = parseReferenceRecords({
      schema,
      header,
      records: [
        { income: "10", owner: "true", sex: "female" },
        { income: "20.5", owner: "0", sex: "male" },
      ],
    });
    expect(result).toEqual({
      ok: true,
      tensorRows: [
        [10, 1],
        [20.5, 0],
      ],
      columns: { income: [10, 20.5], owner: [1, 0], sex: ["female", "male"] },
      labels: null,
    });
  });
  it("reads true labels from the label column, as 1/0 or the label names", () => {
    const records = [
      { income: "1", owner: "1", sex: "male", label: "1" },
      { income: "2", owner: "0", sex: "male", label: "repay" },
    ];
    const result = parseReferenceRecords({ schema, header, records, label: { column: "label", positive: "default", negative: "repay" } });
    expect(result.ok && result.labels).toEqual([1, 0]);
    const bad = parseReferenceRecords({
      schema,
      header,
      records: [{ ...records[0], label: "maybe" }],
      label: { column: "label", positive: "default", negative: "repay" },
    });
    expect(!bad.ok && bad.errors[0].message).toBe("reference row 2, column label: 'maybe' is not 1/0, default or repay");
  });
  it("names missing columns", () => {
    expect(parseReferenceRecords({ schema, header: ["income"], records: [{ income: "1" }] })).toEqual({
      ok: false,
      errors: [{ field: "reference", message: "the CSV lacks the column(s) owner, sex" }],
    });
  });
  it("names the row and column of a bad value", () => {
    const result = parseReferenceRecords({ schema, header, records: [{ income: "abc", owner: "yes", sex: "other" }] });
    expect(!result.ok && result.errors.map((error) => error.message)).toEqual([
      "reference row 2, column income: 'abc' is not a number",
      "reference row 2, column owner: 'yes' is not true/false",
      "reference row 2, column sex: 'other' is not one of female, male",
    ]);
  });
  it("refuses an empty file", () => {
    expect(parseReferenceRecords({ schema, header, records: [] }).ok).toBe(false);
  });
});

describe("syntheticSmokeRows", () => {
  it("spreads numeric inputs inside their range and alternates booleans", () => {
    // count 4 over [0, 100]: 100·1/5, 100·2/5, …
    expect(syntheticSmokeRows(schema)).toEqual([
      [20, 0],
      [40, 1],
      [60, 0],
      [80, 1],
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { describeKpiCsvError, MAX_KPI_VALUES, parseKpiCsv, parseKpiSubmission } from "./input";

const value = { date: "2026-03-01", metric: "approval rate", value: 61.5, unit: "%" };

describe("parseKpiSubmission", () => {
  it("accepts one value or a list, trimming text", () => {
    expect(parseKpiSubmission(value)).toEqual({ ok: true, values: [value] });
    expect(parseKpiSubmission({ values: [value, { ...value, date: "2026-03-02", metric: "  default losses ", unit: "USD" }] })).toEqual({
      ok: true,
      values: [value, { date: "2026-03-02", metric: "default losses", value: 61.5, unit: "USD" }],
    });
  });

  it("names the field path of every bad item", () => {
    const result = parseKpiSubmission({
      values: [
        value,
        value,
        { ...value, date: "2026-02-29" },
        { ...value, date: "2026-03-04", value: "12" },
        { ...value, date: "2026-03-05", metric: "", unit: "x".repeat(21) },
      ],
    });
    expect(result.ok).toBe(false);
    // The duplicate check (values.1) waits until every item is valid on its own; see the next test.
    expect(!result.ok && result.issues).toEqual([
      { field: "values.2.date", message: "date must be a calendar date like 2026-03-31" },
      { field: "values.3.value", message: "value must be a number" },
      { field: "values.4.metric", message: "metric must not be empty" },
      { field: "values.4.unit", message: "unit must be at most 20 characters" },
    ]);
  });

  it("refuses a duplicate (metric, date) once the items themselves are valid", () => {
    expect(parseKpiSubmission({ values: [value, { ...value, value: 70 }] })).toEqual({
      ok: false,
      issues: [{ field: "values.1", message: "repeats values.0 (same metric 'approval rate' and date 2026-03-01)" }],
    });
  });

  it("judges a single object as a single value, and bounds the list", () => {
    expect(parseKpiSubmission({ date: "yesterday", metric: "m", value: 1, unit: "" })).toEqual({
      ok: false,
      issues: [{ field: "date", message: "date must be a calendar date like 2026-03-31" }],
    });
    expect(parseKpiSubmission({ values: [] })).toEqual({
      ok: false,
      issues: [{ field: "values", message: "values must hold at least one value" }],
    });
    const tooMany = Array.from({ length: MAX_KPI_VALUES + 1 }, (_, index) => ({ ...value, metric: `m${index}` }));
    expect(parseKpiSubmission({ values: tooMany })).toEqual({
      ok: false,
      issues: [{ field: "values", message: "values must hold at most 10,000 values" }],
    });
    expect(parseKpiSubmission(null)).toMatchObject({ ok: false, issues: [{ field: "(body)" }] });
    expect(parseKpiSubmission({ ...value, metric: "approval\u0000rate" })).toEqual({
      ok: false,
      issues: [{ field: "metric", message: "metric must not contain control characters" }],
    });
  });
});

describe("parseKpiCsv", () => {
  const knownModels = new Set(["credit-default"]);

  it("reads rows with numbers as numbers, skipping blank lines and a byte-order mark", () => {
    const csv =
      "\uFEFFmodel,date,metric,value,unit\ncredit-default,2026-03-01,approval rate,61.5,%\n\ncredit-default,2026-03-01,default losses,-1.2e3,USD\n";
    expect(parseKpiCsv(csv, { knownModels })).toEqual({
      ok: true,
      rows: [
        { model: "credit-default", date: "2026-03-01", metric: "approval rate", value: 61.5, unit: "%", row: 2 },
        { model: "credit-default", date: "2026-03-01", metric: "default losses", value: -1200, unit: "USD", row: 4 },
      ],
    });
  });

  it("names every bad row by spreadsheet row number and column, and returns no rows", () => {
    const csv = [
      "model,date,metric,value,unit",
      "credit-default,2026-03-01,approval rate,61.5,%",
      "fraud-score,2026-03-01,approval rate,61.5,%",
      "credit-default,03/01/2026,approval rate,abc,%",
      "credit-default,2026-03-02,,,%",
      "credit-default,2026-03-01,approval rate,62,%",
      "credit-default,2026-03-03,approval rate,1",
    ].join("\n");
    const result = parseKpiCsv(csv, { knownModels });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map(describeKpiCsvError)).toEqual([
      "Row 3, column model: no model named 'fraud-score'.",
      "Row 4, column date: must be a calendar date like 2026-03-31.",
      "Row 4, column value: 'abc' is not a number.",
      "Row 5, column metric: must not be empty.",
      "Row 5, column value: is empty.",
      "Row 6: repeats row 2 (same model, metric and date).",
      "Row 7: has 4 cells; the header has 5.",
    ]);
  });

  it("checks the header and the size", () => {
    expect(parseKpiCsv("model,day,metric,value,unit,note\n", { knownModels })).toEqual({
      ok: false,
      errors: [
        { row: 1, column: null, message: "The header lacks the column(s) date; it must be model,date,metric,value,unit." },
        { row: 1, column: null, message: "The header has unknown column(s) day, note; it must be model,date,metric,value,unit." },
      ],
    });
    expect(parseKpiCsv("  \n", { knownModels })).toMatchObject({ ok: false, errors: [{ row: null, message: /empty/ }] });
    expect(parseKpiCsv("model,date,metric,value,unit\n", { knownModels })).toMatchObject({
      ok: false,
      errors: [{ message: "The file has a header but no values." }],
    });
    const rows = [
      "model,date,metric,value,unit",
      "credit-default,2026-03-01,a,1,",
      "credit-default,2026-03-02,a,1,",
      "credit-default,2026-03-03,a,1,",
    ].join("\n");
    expect(parseKpiCsv(rows, { knownModels, maxRows: 2 })).toMatchObject({
      ok: false,
      errors: [{ message: "The file has 3 rows; at most 2 are accepted at once." }],
    });
  });

  it("accepts columns in any order and case, and quoted cells with commas", () => {
    const csv = 'Unit,Value,Metric,Date,Model\nUSD,"1000.5","losses, net",2026-03-01,credit-default\n';
    expect(parseKpiCsv(csv, { knownModels })).toEqual({
      ok: true,
      rows: [{ model: "credit-default", date: "2026-03-01", metric: "losses, net", value: 1000.5, unit: "USD", row: 2 }],
    });
  });
});

import Papa from "papaparse";
import { z } from "zod";
import { instantProblem } from "@/lib/validation/edge";

/** Most values one request or one CSV file may carry: large enough for years of daily KPIs, small enough for one transaction. */
export const MAX_KPI_VALUES = 10_000;

/** One business KPI value of a model for one day (UTC), as sent by a business application. */
// Control characters (NUL above all, which PostgreSQL text refuses) have no place in a label.
const hasControlCharacter = (text: string) =>
  [...text].some((character) => character.charCodeAt(0) < 0x20 || character.charCodeAt(0) === 0x7f);

export const ZKpiValue = z.object({
  date: z.iso.date({ error: "date must be a calendar date like 2026-03-31", abort: true }).superRefine((text, context) => {
    const problem = instantProblem(text);
    if (problem) context.addIssue({ code: "custom", message: `date ${problem}` });
  }),
  metric: z
    .string({ error: "metric must be text" })
    .trim()
    .min(1, "metric must not be empty")
    .max(80, "metric must be at most 80 characters")
    .refine((text) => !hasControlCharacter(text), "metric must not contain control characters"),
  value: z.number({ error: "value must be a number" }).refine(Number.isFinite, "value must be a finite number"),
  unit: z
    .string({ error: "unit must be text (it may be empty)" })
    .trim()
    .max(20, "unit must be at most 20 characters")
    .refine((text) => !hasControlCharacter(text), "unit must not contain control characters"),
});
export type TKpiValue = z.infer<typeof ZKpiValue>;

const keyOf = (value: TKpiValue) => `${value.metric}\u0000${value.date}`;

/** The body of POST /api/v1/models/{name}/kpis: one value, or `{ values: [...] }` with at most MAX_KPI_VALUES. */
export const ZKpiSubmission = z.union([
  ZKpiValue.transform((value) => [value]),
  z
    .object({
      values: z
        .array(ZKpiValue)
        .min(1, "values must hold at least one value")
        .max(MAX_KPI_VALUES, `values must hold at most ${MAX_KPI_VALUES.toLocaleString("en-US")} values`),
    })
    // The upsert keys on (model, metric, day): two values for one key would make the result depend on order.
    .superRefine((body, context) => {
      const seen = new Map<string, number>();
      body.values.forEach((value, index) => {
        const first = seen.get(keyOf(value));
        if (first === undefined) seen.set(keyOf(value), index);
        else
          context.addIssue({
            code: "custom",
            path: ["values", index],
            message: `repeats values.${first} (same metric '${value.metric}' and date ${value.date})`,
          });
      });
    })
    .transform((body) => body.values),
]);

/**
 * The zod issues of a submission that failed, with the branch that matches its shape: a body
 * with `values` is judged as a list, anything else as a single value, so the field paths name
 * what the client actually sent (e.g. `values.3.date`) rather than a union failure.
 */
export function parseKpiSubmission(
  body: unknown,
): { ok: true; values: TKpiValue[] } | { ok: false; issues: Array<{ field: string; message: string }> } {
  const isList = typeof body === "object" && body !== null && "values" in body;
  const schema = isList ? ZKpiSubmission.options[1] : ZKpiSubmission.options[0];
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, values: parsed.data };
  return { ok: false, issues: parsed.error.issues.map((issue) => ({ field: issue.path.join(".") || "(body)", message: issue.message })) };
}

/** Largest CSV the page uploads: a server action's body is limited to 1 MB by Next.js. Larger files go through the API. */
export const MAX_KPI_CSV_BYTES = 900 * 1024;

const KPI_CSV_COLUMNS = ["model", "date", "metric", "value", "unit"] as const;

export type TKpiCsvRow = TKpiValue & { model: string; row: number };
export type TKpiCsvError = { row: number | null; column: string | null; message: string };

// A plain decimal or scientific number; Number("") is 0 and Number(" 1 ") is 1, which a CSV cell should not be.
const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a KPI CSV (columns model, date, metric, value, unit; header required; extra columns
 * refused). Rows are numbered as a spreadsheet shows them: the header is row 1. Every bad cell is
 * reported; the result is all rows or none.
 */
export function parseKpiCsv(
  text: string,
  options: { knownModels: ReadonlySet<string>; maxRows?: number },
): { ok: true; rows: TKpiCsvRow[] } | { ok: false; errors: TKpiCsvError[] } {
  const maxRows = options.maxRows ?? MAX_KPI_VALUES;
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { skipEmptyLines: false });
  const records = parsed.data
    .map((cells, index) => ({ cells, row: index + 1 }))
    .filter(({ cells }) => cells.some((cell) => cell.trim() !== ""));
  if (records.length === 0)
    return {
      ok: false,
      errors: [
        {
          row: null,
          column: null,
          message: "The file is empty: it needs a header row (model,date,metric,value,unit) and at least one value.",
        },
      ],
    };

  const [header, ...body] = records;
  const columns = header.cells.map((cell) => cell.trim().toLowerCase());
  const missing = KPI_CSV_COLUMNS.filter((column) => !columns.includes(column));
  const unknown = columns.filter((column) => !(KPI_CSV_COLUMNS as readonly string[]).includes(column));
  const errors: TKpiCsvError[] = [];
  if (missing.length)
    errors.push({
      row: header.row,
      column: null,
      message: `The header lacks the column(s) ${missing.join(", ")}; it must be model,date,metric,value,unit.`,
    });
  if (unknown.length)
    errors.push({
      row: header.row,
      column: null,
      message: `The header has unknown column(s) ${unknown.join(", ")}; it must be model,date,metric,value,unit.`,
    });
  if (errors.length) return { ok: false, errors };
  if (body.length === 0) return { ok: false, errors: [{ row: null, column: null, message: "The file has a header but no values." }] };
  if (body.length > maxRows)
    return {
      ok: false,
      errors: [
        {
          row: null,
          column: null,
          message: `The file has ${body.length.toLocaleString("en-US")} rows; at most ${maxRows.toLocaleString("en-US")} are accepted at once.`,
        },
      ],
    };

  const rows: TKpiCsvRow[] = [];
  const seen = new Map<string, number>();
  for (const record of body) {
    const cell = (column: (typeof KPI_CSV_COLUMNS)[number]) => (record.cells[columns.indexOf(column)] ?? "").trim();
    if (record.cells.length !== columns.length) {
      errors.push({ row: record.row, column: null, message: `has ${record.cells.length} cells; the header has ${columns.length}.` });
      continue;
    }
    const rowErrors: TKpiCsvError[] = [];
    const model = cell("model");
    if (!model) rowErrors.push({ row: record.row, column: "model", message: "is empty." });
    else if (!options.knownModels.has(model)) rowErrors.push({ row: record.row, column: "model", message: `no model named '${model}'.` });
    const rawValue = cell("value");
    const candidate = ZKpiValue.safeParse({
      date: cell("date"),
      metric: cell("metric"),
      unit: cell("unit"),
      value: NUMBER_PATTERN.test(rawValue) ? Number(rawValue) : rawValue,
    });
    if (!candidate.success) {
      for (const issue of candidate.error.issues) {
        const column = String(issue.path[0]);
        const notNumeric = column === "value" && !NUMBER_PATTERN.test(rawValue);
        const message = notNumeric ? (rawValue ? `'${rawValue}' is not a number.` : "is empty.") : `${issue.message}.`;
        rowErrors.push({ row: record.row, column, message: message.replace(/^(date|metric|value|unit) /, "") });
      }
    }
    if (rowErrors.length === 0 && candidate.success) {
      const key = `${model}\u0000${keyOf(candidate.data)}`;
      const first = seen.get(key);
      if (first !== undefined)
        rowErrors.push({ row: record.row, column: null, message: `repeats row ${first} (same model, metric and date).` });
      else {
        seen.set(key, record.row);
        rows.push({ ...candidate.data, model, row: record.row });
      }
    }
    errors.push(...rowErrors);
  }
  return errors.length ? { ok: false, errors } : { ok: true, rows };
}

/** "Row 4, column value: 'abc' is not a number." */
export function describeKpiCsvError(error: TKpiCsvError): string {
  const where = [error.row === null ? null : `Row ${error.row}`, error.column === null ? null : `column ${error.column}`]
    .filter(Boolean)
    .join(", ");
  return where ? `${where}: ${error.message}` : error.message;
}

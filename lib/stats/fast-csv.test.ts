import { describe, expect, it } from "vitest";
import { collectCsvText } from "@/lib/cli/csv-columns";
import { createRandom } from "@/lib/random";
import {
  FastCsvChunkReader,
  mergeColumnParts,
  unpackRuns,
  type TCategoricalPart,
  type TColumnPart,
  type TFastCsvPlan,
  type TNumericalPart,
} from "./fast-csv";

const encoder = new TextEncoder();

/** Reads CSV data lines (no header) with the byte reader; a missing final newline is added, as the file reader does. */
function read(text: string, plan: TFastCsvPlan) {
  const body = text.endsWith("\n") ? text : `${text}\n`;
  const bytes = encoder.encode(body);
  const reader = new FastCsvChunkReader(plan, 4);
  reader.feed(bytes, 0, bytes.length);
  return { problem: reader.problem, result: reader.problem === null ? reader.finish() : null };
}

/** A numerical part's values as doubles. */
const valuesOf = (part: TColumnPart) => {
  const numerical = part as TNumericalPart;
  return unpackRuns(numerical.runs, new Float64Array(numerical.length));
};

const numberColumn = (text: string) => {
  const { problem, result } = read(text, { fieldCount: 1, columns: [{ field: 0, categorical: false }] });
  if (problem !== null || result === null) throw new Error(`problem: ${JSON.stringify(problem)}`);
  const part = result.columns[0] as TNumericalPart;
  return { ...part, values: valuesOf(part) };
};

/** A random decimal: sign, 1–25 digits with an optional point, an optional exponent. */
function randomDecimal(uniform: () => number): string {
  const digit = () => String(Math.floor(uniform() * 10));
  const digits = (count: number) => Array.from({ length: count }, digit).join("");
  const sign = uniform() < 0.3 ? "-" : uniform() < 0.1 ? "+" : "";
  const whole = digits(Math.floor(uniform() * 12));
  const fraction = uniform() < 0.7 ? `.${digits(Math.floor(uniform() * 14))}` : "";
  let text = whole + fraction;
  if (!/[0-9]/.test(text)) text = `${digit()}${text}`;
  const exponent =
    uniform() < 0.3
      ? `${uniform() < 0.5 ? "e" : "E"}${uniform() < 0.5 ? "-" : uniform() < 0.5 ? "+" : ""}${Math.floor(uniform() * 30)}`
      : "";
  return sign + text + exponent;
}

describe("FastCsvChunkReader numbers", () => {
  it("reads random decimals to the same double as Number.parseFloat (property, 20 000 strings)", () => {
    const { uniform } = createRandom(17);
    const texts = Array.from({ length: 20_000 }, () => randomDecimal(uniform));
    const column = numberColumn(texts.join("\n"));
    expect(column.values.length).toBe(texts.length);
    texts.forEach((text, i) => {
      if (!Object.is(column.values[i], Number.parseFloat(text)))
        throw new Error(`${text}: ${column.values[i]} ≠ ${Number.parseFloat(text)}`);
    });
  });

  it("reads halfway cases and long digit strings exactly (slow path)", () => {
    const texts = [
      "9007199254740993",
      "0.1000000000000000055511151231257827",
      "2.2250738585072011e-308",
      "1.7976931348623157e308",
      "123456789012345.6",
    ];
    const column = numberColumn(texts.join("\n"));
    expect(Array.from(column.values)).toEqual(texts.map(Number));
  });

  it("follows the general reader on signs, points, blanks, nan and infinities", () => {
    const column = numberColumn(["-0", "+.5", "1.", " 2.5 ", "", "nan", "NaN", "inf", "-Infinity", "1e400", "1e-400", "0.0"].join("\n"));
    expect(Object.is(column.values[0], -0)).toBe(true);
    expect(Array.from(column.values)).toEqual([-0, 0.5, 1, 2.5, 0, 0]);
    expect(column.missing).toBe(2); // nan, NaN; the blank line is skipped, not a missing value
    expect(column.infinite).toBe(3); // inf, -Infinity, 1e400
  });

  it("reads \\r\\n line ends, skips blank lines and counts rows and lines", () => {
    const { result } = read("1.5,a\r\n\r\n2.5,b\r\n", {
      fieldCount: 2,
      columns: [
        { field: 0, categorical: false },
        { field: 1, categorical: true },
      ],
    });
    expect(result).not.toBeNull();
    expect(Array.from(valuesOf(result!.columns[0]))).toEqual([1.5, 2.5]);
    expect((result!.columns[0] as TNumericalPart).missing).toBe(0);
    expect((result!.columns[1] as TCategoricalPart).categories).toEqual(["a", "b"]);
    expect(result).toMatchObject({ lines: 3, rows: 2, crlf: 3, lf: 0 });
  });

  it("reads the inline path's edge cases (signs, '.5', '5.', 9 and 10 digits, exponents) as Number.parseFloat does", () => {
    const texts = [
      "+7",
      "-7",
      ".5",
      "-.5",
      "+.25",
      "5.",
      "-5.",
      "-0.0",
      "+0",
      "123456789",
      "123456789.",
      ".123456789",
      "12345.6789",
      "1234567890",
      "0.1234567891",
      "-98765.43210",
      "000000000001.5",
      "1e5",
      "1E-5",
      "-2.5e+3",
      "5.e3",
      ".5e1",
      "123456789012345e-22",
      "1234567890123456",
      "7e22",
      "7e23",
    ];
    const column = numberColumn(texts.join("\n"));
    expect(column.values.length).toBe(texts.length);
    // The independent source: the engine's own decimal conversion.
    texts.forEach((text, i) => expect(Object.is(column.values[i], Number.parseFloat(text)), text).toBe(true));
  });

  it("reads \\r\\n line ends after a number in the last column, in a file of many 64 KiB pieces", () => {
    const { uniform } = createRandom(5);
    const rows = Array.from({ length: 30_000 }, () => [randomDecimal(uniform), randomDecimal(uniform)]);
    const text = rows.map((row) => row.join(",")).join("\r\n") + "\r\n";
    const { problem, result } = read(text, {
      fieldCount: 2,
      columns: [
        { field: 0, categorical: false },
        { field: 1, categorical: false },
      ],
    });
    expect(problem).toBeNull();
    expect(result).toMatchObject({ lines: rows.length, rows: rows.length, crlf: rows.length, lf: 0 });
    for (const slot of [0, 1]) {
      const values = valuesOf(result!.columns[slot]);
      rows.forEach((row, i) => {
        if (!Object.is(values[i], Number.parseFloat(row[slot]))) throw new Error(`${row[slot]}: ${values[i]}`);
      });
    }
  });

  it("counts blank and missing values as before: a blank line is skipped, a blank field or nan is missing", () => {
    const { result } = read("1.5,a\n\n,b\nnan,c\n 2 ,d\n", {
      fieldCount: 2,
      columns: [
        { field: 0, categorical: false },
        { field: 1, categorical: true },
      ],
    });
    expect(Array.from(valuesOf(result!.columns[0]))).toEqual([1.5, 2]);
    expect((result!.columns[0] as TNumericalPart).missing).toBe(2);
    expect(result).toMatchObject({ lines: 5, rows: 4 });
  });

  it.each([
    ["one scale", ["10.5000", "-3.2500", "0.0001"]],
    ["a finer scale later (earlier integers rescaled)", ["1", "2.5", "-3.25", "4.125", "7"]],
    ["a rescale that would not fit (doubles from then on)", ["300000", "1.5", "0.0001", "-2"]],
    ["−0 after integers", ["1.5", "-0.0", "2.5", "-0"]],
    ["an exponent after integers", ["1.5", "2.5e3", "3.25"]],
    ["more than 9 digits after integers", ["1.5", "1234567.891", "3"]],
  ])("keeps decimals as integers over a power of ten, or doubles, to the same values as Number.parseFloat: %s", (_, texts) => {
    const column = numberColumn(texts.join("\n"));
    expect(column.values.length).toBe(texts.length);
    texts.forEach((text, i) => expect(Object.is(column.values[i], Number.parseFloat(text)), text).toBe(true));
  });

  it("stores a column of short decimals as 32-bit integers, and merges parts by their runs", () => {
    const plan: TFastCsvPlan = { fieldCount: 1, columns: [{ field: 0, categorical: false }] };
    const first = read("1.25\n-2.5\n", plan).result!.columns[0] as TNumericalPart;
    const second = read("3e2\n4\n", plan).result!.columns[0] as TNumericalPart;
    expect(first.runs).toEqual([{ kind: "decimal", digits: Int32Array.from([125, -250]), scale: 2 }]);
    expect(second.runs[0].kind).toBe("double");
    const merged = mergeColumnParts([first, second], [0, 2]);
    expect(merged.kind === "numerical" && merged.length).toBe(4);
    expect(Array.from(valuesOf(merged as TNumericalPart))).toEqual([1.25, -2.5, 300, 4]);
  });

  it("reads a last line without a newline (the file reader adds one)", () => {
    expect(Array.from(numberColumn("1.25\n-3").values)).toEqual([1.25, -3]);
  });

  it("asks for a second reading as categories when a numerical column meets text", () => {
    const { problem } = read("1\n2\nabc\n", { fieldCount: 1, columns: [{ field: 0, categorical: false }] });
    expect(problem).toEqual({ kind: "text", column: 0 });
  });
});

describe("FastCsvChunkReader categories", () => {
  it("counts keys in order of first appearance, numbers as String(number), blanks and nan missing", () => {
    const { result } = read(["b", " a ", "1.50", "1.5", "", "nan", "b", "x y", "-0"].join("\n"), {
      fieldCount: 1,
      columns: [{ field: 0, categorical: true }],
    });
    const column = result!.columns[0] as TCategoricalPart;
    expect(column.categories).toEqual(["b", "a", "1.5", "x y", "0"]);
    expect(column.counts).toEqual([2, 1, 2, 1, 1]);
    expect(column.missing).toBe(1); // nan; the blank line is skipped
    expect(column.firstText).toEqual({ line: 1, text: "b" });
  });

  it("merges chunk parts in file order, with the first text's line counted from the first chunk", () => {
    const plan: TFastCsvPlan = { fieldCount: 1, columns: [{ field: 0, categorical: true }] };
    const first = read("1\n2\n", plan).result!;
    const second = read("z\n2\ny\n", plan).result!;
    const merged = mergeColumnParts([first.columns[0], second.columns[0]], [0, first.lines]);
    expect(merged).toEqual({
      kind: "categorical",
      categories: ["1", "2", "z", "y"],
      counts: [1, 2, 1, 1],
      missing: 0,
      firstText: { line: 3, text: "z" },
    });
  });
});

describe("FastCsvChunkReader refuses what the general reader must read", () => {
  const plan: TFastCsvPlan = { fieldCount: 2, columns: [{ field: 0, categorical: false }] };
  it.each([
    ["a quoted field", '1,"a,b"\n', { kind: "quote" }],
    ["a lone carriage return", "1,a\r2,b\n", { kind: "carriage-return" }],
    ["mixed line endings", "1,a\r\n2,b\n", { kind: "line-endings" }],
    ["too many fields", "1,a\n2,b,c\n", { kind: "fields", line: 2, fields: 3 }],
    ["too few fields", "1,a\n2\n", { kind: "fields", line: 2, fields: 1 }],
  ])("%s", (_, text, problem) => {
    expect(read(text, plan).problem).toEqual(problem);
  });

  it("the general reader takes the quoted file the fast reader refuses", () => {
    const table = collectCsvText('x,y\n1,"a,b"\n2,c\n', { file: "q.csv", columns: [{ name: "y", mode: "auto" }] });
    expect(table.columns.get("y")!.values).toEqual(["a,b", "c"]);
  });
});

import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import {
  collectCsvText,
  createCsvCollector,
  CSV_PARSE_CONFIG,
  InputError,
  readCsvHeader,
  readNumber,
  type TColumnSpec,
} from "./csv-columns";

describe("readNumber", () => {
  // Expected values: Python's float() on the same text (numpy.loadtxt reads decimals the same way).
  it.each([
    ["0", 0],
    ["-1.5", -1.5],
    ["+2", 2],
    [".5", 0.5],
    ["5.", 5],
    ["1e3", 1000],
    ["1.25E-2", 0.0125],
    ["  7.0 ", 7],
    ["0.1", 0.1],
    ["inf", Infinity],
    ["-Infinity", -Infinity],
  ])("%j → %d", (text, expected) => {
    expect(readNumber(text)).toBe(expected);
  });

  it("reads every decimal as Number() does, bit for bit (the fast path and the long one)", () => {
    let state = 12345;
    const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    const digits = (count: number) => Array.from({ length: count }, () => Math.floor(next() * 10)).join("");
    for (let i = 0; i < 20000; i += 1) {
      const sign = ["", "-", "+"][Math.floor(next() * 3)];
      const whole = digits(Math.floor(next() * 12));
      const fraction = digits(Math.floor(next() * 12));
      const text = `${sign}${whole}${next() < 0.8 ? "." : ""}${fraction}${next() < 0.1 ? `e${Math.floor(next() * 40) - 20}` : ""}`;
      if (whole === "" && fraction === "") continue;
      expect(Object.is(readNumber(text), Number(text)), text).toBe(true);
    }
    for (const value of [0.1, 0.2, 0.3, 1 / 3, Math.PI, 1e-7, 123456789.123456, 9007199254740992]) {
      expect(Object.is(readNumber(String(value)), value)).toBe(true);
    }
    expect(Object.is(readNumber("-0.0000"), -0)).toBe(true);
  });

  it.each(["", "   ", "nan", "NaN"])("%j is a missing number (NaN)", (text) => {
    expect(readNumber(text)).toBeNaN();
  });

  // Number() would accept some of these ("0x10" → 16, "0b1" → 1); a CSV reader must not.
  it.each(["abc", "4o", "0x10", "0b1", "1e", "e5", ".", "-", "1.2.3", "1,5", "1 000", "true", "constructor", "0X1F", " 0x10"])(
    "%j is not a number",
    (text) => {
      expect(readNumber(text)).toBeUndefined();
    },
  );
});

const spec = (name: string, mode: TColumnSpec["mode"], extra: Partial<TColumnSpec> = {}): TColumnSpec => ({ name, mode, ...extra });

describe("collectCsvText", () => {
  it("keeps only the named columns, as numbers, text or auto-typed values", () => {
    const table = collectCsvText("a,b,c,d\n1,x,3,skip\n2.5,y,z,skip\n", {
      file: "f.csv",
      columns: [spec("a", "number"), spec("b", "text"), spec("c", "auto")],
    });
    expect(table.rowCount).toBe(2);
    expect(table.header).toEqual(["a", "b", "c", "d"]);
    expect([...table.columns.keys()]).toEqual(["a", "b", "c"]);
    expect(table.columns.get("a")?.values).toEqual([1, 2.5]);
    expect(table.columns.get("b")?.values).toEqual(["x", "y"]);
    expect(table.columns.get("c")?.values).toEqual([3, "z"]);
    expect(table.columns.get("c")?.firstText).toEqual({ row: 3, text: "z" });
    expect(table.columns.get("a")?.firstText).toBeNull();
  });

  it('reads blanks as missing (NaN, ""), skips blank lines, strips a BOM, CRLF and spaces around values', () => {
    const table = collectCsvText("\uFEFF a , b \r\n1, p\r\n\r\n,\r\n 3 ,q\r\n", {
      file: "f.csv",
      columns: [spec("a", "auto"), spec("b", "text")],
    });
    expect(table.rowCount).toBe(3);
    expect(table.columns.get("a")?.values).toEqual([1, NaN, 3]);
    expect(table.columns.get("b")?.values).toEqual(["p", "", "q"]);
  });

  it("reads quoted fields with commas and quotes", () => {
    const table = collectCsvText('g,v\n"a, b",1\n"say ""hi""",2\n', { file: "f.csv", columns: [spec("g", "text"), spec("v", "number")] });
    expect(table.columns.get("g")?.values).toEqual(["a, b", 'say "hi"']);
  });

  it("shares one string per distinct text value", () => {
    const table = collectCsvText("c\nlong-category-name-1\nlong-category-name-1\n", { file: "f.csv", columns: [spec("c", "text")] });
    const [first, second] = table.columns.get("c")?.values as string[];
    expect(first).toBe("long-category-name-1");
    expect(first).toBe(second);
  });

  it("gives the same table whatever the chunking of the rows", () => {
    const text = "a,b\n1,x\n2,y\n\n3,z\n";
    const rows = Papa.parse<string[]>(text, CSV_PARSE_CONFIG).data;
    const collector = createCsvCollector({ file: "f.csv", columns: [spec("a", "number"), spec("b", "auto")] });
    for (const row of rows) collector.addRows([row]);
    const table = collector.finish();
    expect(table).toEqual(collectCsvText(text, { file: "f.csv", columns: [spec("a", "number"), spec("b", "auto")] }));
  });

  // Each message names the file, the row (header = row 1) and the column.
  it.each([
    ["a missing column", "a,b\n1,2\n", [spec("z", "number")], 'f.csv has no column "z" (columns: "a", "b")'],
    ["a duplicated column", "a,a\n1,2\n", [spec("a", "number")], 'f.csv has two columns named "a"'],
    ["no header", "", [spec("a", "number")], "f.csv is empty: no header row"],
    ["no data rows", "a,b\n", [spec("a", "number")], "f.csv has a header but no data rows"],
    ["only blank lines", "a,b\n\n\n", [spec("a", "number")], "f.csv has a header but no data rows"],
    ["text in a number column", "a,b\n1,2\n4o,3\n", [spec("a", "number")], 'f.csv row 3, column "a": "4o" is not a number'],
    ["a row with too few fields", "a,b\n1,2\n3\n", [spec("a", "number")], "f.csv row 3 has 1 field; the header has 2"],
    ["a row with too many fields", "a,b\n1,2,3\n", [spec("a", "number")], "f.csv row 2 has 3 fields; the header has 2"],
    ["a blank required number", "a,b\n1,2\n,3\n", [spec("a", "number", { required: true })], 'f.csv row 3, column "a": the value is empty'],
    ["a blank required text", "g,b\nx,2\n ,3\n", [spec("g", "text", { required: true })], 'f.csv row 3, column "g": the value is empty'],
    [
      "a value the check refuses",
      "y\n0\n1\n2\n",
      [spec("y", "number", { check: (value) => (value === 0 || value === 1 ? null : "labels must be 0 or 1") })],
      'f.csv row 4, column "y": labels must be 0 or 1, found 2',
    ],
    ["an unclosed quote", 'a,b\n1,"2\n3,4\n', [spec("a", "number")], "f.csv is not valid CSV at row 2: Quoted field unterminated"],
  ])("refuses %s", (_, text, columns, message) => {
    expect(() => collectCsvText(text, { file: "f.csv", columns })).toThrow(new InputError(message));
  });
});

describe("readCsvHeader", () => {
  it("reads the first row only", () => {
    expect(readCsvHeader('\uFEFFa,"b,c", d \n1,2,3\n4,5', "f.csv")).toEqual(["a", "b,c", "d"]);
  });
  it("refuses an empty file", () => {
    expect(() => readCsvHeader("", "f.csv")).toThrow(new InputError("f.csv is empty: no header row"));
  });
});

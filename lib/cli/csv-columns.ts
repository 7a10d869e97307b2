// CSV rows → typed columns for the statistics commands of the CLI. The rows come from papaparse
// (header: false), a chunk at a time, so a file of a million rows is never held as text or as
// row objects: each kept column is one array of numbers or shared (interned) strings.
//
// Rows are numbered as a spreadsheet shows them, the header being row 1, so an error's row is
// the file's line number unless a quoted field spans lines.
import Papa from "papaparse";

/** Bad input the user can fix (a missing column, a value that is not a number, …): the CLI exits 2. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/**
 * How a column's text becomes values:
 * - `number`: every value must read as a number (else an InputError naming row and column);
 * - `text`: trimmed text, kept as is;
 * - `auto`: numbers while the text reads as one, otherwise text (drift infers the kind afterwards).
 * `required` rejects blank values (and NaN for numbers) with an InputError.
 */
type TColumnMode = "number" | "text" | "auto";
export type TColumnSpec = {
  name: string;
  mode: TColumnMode;
  required?: boolean;
  /** For number columns: why a (non-missing) value is refused, e.g. "labels must be 0 or 1", or null. */
  check?: (value: number) => string | null;
};

/** Values in row order; NaN is a missing number, "" a missing text. */
export type TCollectedColumn = {
  name: string;
  mode: TColumnMode;
  values: (number | string)[];
  /** The first non-blank value that is not a number (auto and text columns), for error messages. */
  firstText: { row: number; text: string } | null;
};
export type TCsvTable = { file: string; header: string[]; rowCount: number; columns: Map<string, TCollectedColumn> };

const CHAR_0 = 48;
const CHAR_9 = 57;
const CHAR_DOT = 46;
const CHAR_PLUS = 43;
const CHAR_MINUS = 45;
const CHAR_E = 101;
const CHAR_UPPER_E = 69;

/** Whether `text` is a plain decimal number ([+-] digits [. digits] [e[+-]digits]); no hex, no blanks. */
function isDecimal(text: string): boolean {
  let i = 0;
  const n = text.length;
  let code = text.charCodeAt(0);
  if (code === CHAR_PLUS || code === CHAR_MINUS) i += 1;
  let digits = 0;
  while (i < n && (code = text.charCodeAt(i)) >= CHAR_0 && code <= CHAR_9) {
    i += 1;
    digits += 1;
  }
  if (i < n && text.charCodeAt(i) === CHAR_DOT) {
    i += 1;
    while (i < n && (code = text.charCodeAt(i)) >= CHAR_0 && code <= CHAR_9) {
      i += 1;
      digits += 1;
    }
  }
  if (digits === 0) return false;
  if (i < n && ((code = text.charCodeAt(i)) === CHAR_E || code === CHAR_UPPER_E)) {
    i += 1;
    if (i < n && ((code = text.charCodeAt(i)) === CHAR_PLUS || code === CHAR_MINUS)) i += 1;
    let exponentDigits = 0;
    while (i < n && (code = text.charCodeAt(i)) >= CHAR_0 && code <= CHAR_9) {
      i += 1;
      exponentDigits += 1;
    }
    if (exponentDigits === 0) return false;
  }
  return i === n;
}

const SPECIAL_NUMBERS = new Map<string, number>([
  ["nan", NaN],
  ["inf", Infinity],
  ["+inf", Infinity],
  ["-inf", -Infinity],
  ["infinity", Infinity],
  ["+infinity", Infinity],
  ["-infinity", -Infinity],
]);

/** 10^0 … 10^22: every one an exact double. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const MAX_FAST_DIGITS = 15;

/**
 * [+-]digits[.digits] with at most 15 digits, else undefined. Clinger's fast path: the digits form
 * an integer below 2^53 and 10^k (k ≤ 15) is exact, so one correctly rounded division gives the
 * correctly rounded value, bit for bit what Number() and Python's float() return.
 */
function readShortDecimal(text: string): number | undefined {
  const length = text.length;
  let i = 0;
  let negative = false;
  const first = text.charCodeAt(0);
  if (first === CHAR_MINUS) {
    negative = true;
    i = 1;
  } else if (first === CHAR_PLUS) {
    i = 1;
  }
  let mantissa = 0;
  let digits = 0;
  let fractionDigits = -1;
  for (; i < length; i += 1) {
    const code = text.charCodeAt(i);
    if (code >= CHAR_0 && code <= CHAR_9) {
      mantissa = mantissa * 10 + (code - CHAR_0);
      digits += 1;
      if (fractionDigits >= 0) fractionDigits += 1;
    } else if (code === CHAR_DOT && fractionDigits < 0) {
      fractionDigits = 0;
    } else {
      return undefined;
    }
  }
  if (digits === 0 || digits > MAX_FAST_DIGITS) return undefined;
  const value = fractionDigits > 0 ? mantissa / POWERS_OF_TEN[fractionDigits] : mantissa;
  return negative ? -value : value;
}

/**
 * A CSV cell as a number: NaN for a blank cell or `nan` (a missing value, as numpy writes it),
 * ±Infinity for `inf`/`infinity`, undefined when the text is not a number. Decimal text reads as
 * the correctly rounded double, like Python's float(), so both sides see the same value.
 */
export function readNumber(text: string): number | undefined {
  const short = readShortDecimal(text);
  if (short !== undefined) return short;
  const trimmed = text.trim();
  if (trimmed === "") return NaN;
  if (isDecimal(trimmed)) return Number(trimmed);
  return SPECIAL_NUMBERS.get(trimmed.toLowerCase());
}

const quote = (text: string) => JSON.stringify(text);

function describeColumns(header: string[]): string {
  const shown = header.slice(0, 12).map(quote).join(", ");
  return header.length > 12 ? `${shown}, … (${header.length} columns)` : shown;
}

type TColumnState = TCollectedColumn & {
  index: number;
  required: boolean;
  check?: (value: number) => string | null;
  intern: Map<string, string>;
};

/**
 * Collects the named columns of one CSV file from papaparse rows (header: false): the first row is
 * the header. Throws InputError for a missing or duplicated column, a row with the wrong number of
 * fields, and values the column's mode refuses. Blank lines are skipped.
 */
export function createCsvCollector(input: { file: string; columns: TColumnSpec[] }) {
  const { file } = input;
  let header: string[] | null = null;
  let states: TColumnState[] = [];
  let row = 0;
  let rowCount = 0;

  function readHeader(fields: string[]) {
    header = fields.map((field, index) => (index === 0 ? field.replace(/^\uFEFF/, "") : field).trim());
    const names = header;
    states = input.columns.map((spec) => {
      const index = names.indexOf(spec.name);
      if (index < 0) throw new InputError(`${file} has no column ${quote(spec.name)} (columns: ${describeColumns(names)})`);
      if (names.indexOf(spec.name, index + 1) >= 0) throw new InputError(`${file} has two columns named ${quote(spec.name)}`);
      return {
        name: spec.name,
        mode: spec.mode,
        values: [],
        firstText: null,
        index,
        required: spec.required === true,
        check: spec.check,
        intern: new Map(),
      };
    });
  }

  function internText(state: TColumnState, text: string): string {
    const known = state.intern.get(text);
    if (known !== undefined) return known;
    // A substring can keep the whole parsed chunk alive; the one copy we keep is flattened.
    const own = text.length > 12 ? Array.from(text).join("") : text;
    state.intern.set(own, own);
    return own;
  }

  function location(state: TColumnState): string {
    return `${file} row ${row}, column ${quote(state.name)}`;
  }

  function addValue(state: TColumnState, raw: string) {
    if (state.mode === "text") {
      const text = raw.trim();
      if (text === "") {
        if (state.required) throw new InputError(`${location(state)}: the value is empty`);
      } else if (state.firstText === null && readNumber(text) === undefined) {
        state.firstText = { row, text };
      }
      state.values.push(internText(state, text));
      return;
    }
    const number = readNumber(raw);
    if (number === undefined) {
      const text = raw.trim();
      if (state.mode === "number") throw new InputError(`${location(state)}: ${quote(text)} is not a number`);
      if (state.firstText === null) state.firstText = { row, text };
      state.values.push(internText(state, text));
      return;
    }
    if (Number.isNaN(number)) {
      if (state.required) throw new InputError(`${location(state)}: the value is empty`);
    } else if (state.check) {
      const problem = state.check(number);
      if (problem !== null) throw new InputError(`${location(state)}: ${problem}, found ${raw.trim()}`);
    }
    state.values.push(number);
  }

  return {
    /** Feeds the next rows of the file, the header first, with papaparse's errors for those rows. */
    addRows(rows: string[][], errors: readonly { row?: number; message: string }[] = []) {
      // A quote left open swallows the rest of the file into one field: refuse rather than guess.
      const malformed = errors[0];
      if (malformed !== undefined) {
        const at = malformed.row === undefined ? "" : ` at row ${row + malformed.row + 1}`;
        throw new InputError(`${file} is not valid CSV${at}: ${malformed.message}`);
      }
      for (const fields of rows) {
        row += 1;
        if (header === null) {
          readHeader(fields);
          continue;
        }
        // papaparse yields [""] for a blank line (and for the end of a final newline).
        if (fields.length === 1 && fields[0].trim() === "") continue;
        if (fields.length !== header.length) {
          throw new InputError(
            `${file} row ${row} has ${fields.length} ${fields.length === 1 ? "field" : "fields"}; the header has ${header.length}`,
          );
        }
        rowCount += 1;
        for (const state of states) addValue(state, fields[state.index]);
      }
    },
    /** The collected table; throws InputError for an empty file (no header, or no data rows). */
    finish(): TCsvTable {
      if (header === null) throw new InputError(`${file} is empty: no header row`);
      if (rowCount === 0) throw new InputError(`${file} has a header but no data rows`);
      const columns = new Map<string, TCollectedColumn>();
      for (const state of states)
        columns.set(state.name, { name: state.name, mode: state.mode, values: state.values, firstText: state.firstText });
      return { file, header, rowCount, columns };
    },
  };
}

/** papaparse options shared by the file reader and collectCsvText: plain rows, values as text. */
export const CSV_PARSE_CONFIG = { header: false, dynamicTyping: false, skipEmptyLines: false, delimiter: "," } as const;

/** The header row of CSV text (for files, the CLI reads only the first rows). */
export function readCsvHeader(text: string, file: string): string[] {
  const parsed = Papa.parse<string[]>(text, { ...CSV_PARSE_CONFIG, preview: 1 });
  const first = parsed.data[0];
  if (first === undefined || (first.length === 1 && first[0].trim() === "")) throw new InputError(`${file} is empty: no header row`);
  return first.map((field, index) => (index === 0 ? field.replace(/^\uFEFF/, "") : field).trim());
}

/** Collects columns from CSV text held in memory (tests, small inputs). */
export function collectCsvText(text: string, input: { file: string; columns: TColumnSpec[] }): TCsvTable {
  const collector = createCsvCollector(input);
  const parsed = Papa.parse<string[]>(text, CSV_PARSE_CONFIG);
  collector.addRows(parsed.data, parsed.errors);
  return collector.finish();
}

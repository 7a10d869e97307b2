// A CSV column reader over bytes for the drift report: numbers are read straight from the bytes
// into Float64Arrays and categories are counted by their bytes, so a million rows make no strings.
// Every value means what the general reader (papaparse + readNumber, lib/cli/csv-columns.ts) makes
// of it: plain decimals take Clinger's exact fast path, anything else goes through readNumber.
// It reads only plain CSV: a quote, a lone carriage return, mixed line endings or a row with the
// wrong number of fields is a `problem`, and the caller falls back to the general reader, which
// also words the error. Pure: the caller reads the file and hands over bytes.
import { readNumber } from "../cli/csv-columns";

const COMMA = 44;
const NEWLINE = 10;
const RETURN = 13;
const QUOTE = 34;
const DOT = 46;
const MINUS = 45;
const PLUS = 43;
const ZERO = 48;
const LOWER_E = 101;

/** 10^0 … 10^22: every one an exact double. */
const POWERS_OF_TEN = Float64Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
/** Integers of up to 15 digits are exact doubles (10^15 < 2^53). */
const MAX_FAST_DIGITS = 15;

export type TFastCsvPlan = {
  /** Fields per row, from the header. */
  fieldCount: number;
  /** The kept columns: field index, and whether the column is counted as categories. */
  columns: { field: number; categorical: boolean }[];
};

/** A numerical column of one chunk: finite values in row order; NaN/blank counted as missing, ±∞ counted apart. */
export type TNumericalPart = { kind: "numerical"; values: Float64Array; infinite: number; missing: number };
/**
 * A categorical column of one chunk: category keys in order of first appearance with their counts.
 * A key is the trimmed text, or String(number) for a value that reads as a number, as drift sees it.
 */
export type TCategoricalPart = {
  kind: "categorical";
  categories: string[];
  counts: number[];
  missing: number;
  /** The first value that is not a number: its line within the chunk (1-based) and trimmed text. */
  firstText: { line: number; text: string } | null;
};
export type TColumnPart = TNumericalPart | TCategoricalPart;

/** Why the fast reader gave up: the general reader must read this file. */
export type TFastCsvProblem =
  | { kind: "quote" | "carriage-return" | "line-endings" }
  | { kind: "fields"; line: number; fields: number }
  /** A numerical column met text: read it again as categories. */
  | { kind: "text"; column: number };

export type TChunkResult = {
  /** Lines read, blank ones included (for row numbers). */
  lines: number;
  /** Rows: lines that are not blank. */
  rows: number;
  /** Lines that ended in \r\n, and in \n alone. */
  crlf: number;
  lf: number;
  columns: TColumnPart[];
};

const textDecoder = new TextDecoder("utf-8");

/** Open-addressing table from a field's bytes to its category (−1: missing). */
class ByteKeyTable {
  private hashes = new Int32Array(256);
  private starts = new Int32Array(256);
  private lengths = new Int32Array(256).fill(-1);
  private ids = new Int32Array(256);
  private size = 0;
  private pool = new Uint8Array(4096);
  private poolSize = 0;

  /** The id stored for bytes[start, end) with this hash, or −2 when unseen. */
  find(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const mask = this.hashes.length - 1;
    const length = end - start;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const stored = this.lengths[slot];
      if (stored < 0) return -2;
      if (this.hashes[slot] === hash && stored === length) {
        const at = this.starts[slot];
        let same = true;
        for (let i = 0; i < length; i += 1) {
          if (this.pool[at + i] !== bytes[start + i]) {
            same = false;
            break;
          }
        }
        if (same) return this.ids[slot];
      }
    }
  }

  add(bytes: Uint8Array, start: number, end: number, hash: number, id: number): void {
    if (2 * (this.size + 1) > this.hashes.length) this.grow();
    const length = end - start;
    if (this.poolSize + length > this.pool.length) {
      const pool = new Uint8Array(Math.max(2 * this.pool.length, this.poolSize + length));
      pool.set(this.pool.subarray(0, this.poolSize));
      this.pool = pool;
    }
    this.pool.set(bytes.subarray(start, end), this.poolSize);
    this.insert(hash, this.poolSize, length, id);
    this.poolSize += length;
    this.size += 1;
  }

  private insert(hash: number, start: number, length: number, id: number): void {
    const mask = this.hashes.length - 1;
    let slot = hash & mask;
    while (this.lengths[slot] >= 0) slot = (slot + 1) & mask;
    this.hashes[slot] = hash;
    this.starts[slot] = start;
    this.lengths[slot] = length;
    this.ids[slot] = id;
  }

  private grow(): void {
    const { hashes, starts, lengths, ids } = this;
    const capacity = 2 * hashes.length;
    this.hashes = new Int32Array(capacity);
    this.starts = new Int32Array(capacity);
    this.lengths = new Int32Array(capacity).fill(-1);
    this.ids = new Int32Array(capacity);
    for (let slot = 0; slot < hashes.length; slot += 1)
      if (lengths[slot] >= 0) this.insert(hashes[slot], starts[slot], lengths[slot], ids[slot]);
  }
}

type TNumericalState = { kind: "numerical"; values: Float64Array; size: number; infinite: number; missing: number };
type TCategoricalState = {
  kind: "categorical";
  table: ByteKeyTable;
  keyIds: Map<string, number>;
  categories: string[];
  counts: number[];
  missing: number;
  firstText: { line: number; text: string } | null;
};

/** Thrown inside the line loop to stop at a problem; caught by `feed`. */
class Stop {
  constructor(readonly problem: TFastCsvProblem) {}
}

/**
 * Reads chunks of complete lines (each region handed to `feed` ends with "\n") into the plan's
 * columns. `expectedRows` sizes the number arrays (they grow if it is short).
 */
export class FastCsvChunkReader {
  private readonly slotOfField: Int32Array;
  private readonly states: (TNumericalState | TCategoricalState)[];
  private lines = 0;
  private blanks = 0;
  private crlf = 0;
  private lf = 0;
  problem: TFastCsvProblem | null = null;

  constructor(
    private readonly plan: TFastCsvPlan,
    expectedRows = 1024,
  ) {
    this.slotOfField = new Int32Array(plan.fieldCount).fill(-1);
    plan.columns.forEach((column, slot) => (this.slotOfField[column.field] = slot));
    this.states = plan.columns.map((column) =>
      column.categorical
        ? { kind: "categorical", table: new ByteKeyTable(), keyIds: new Map(), categories: [], counts: [], missing: 0, firstText: null }
        : { kind: "numerical", values: new Float64Array(Math.max(expectedRows, 16)), size: 0, infinite: 0, missing: 0 },
    );
  }

  /**
   * Reads the lines of bytes[start, end); bytes[end − 1] must be "\n". Returns false once a problem
   * is found (see `problem`); later calls do nothing.
   */
  feed(bytes: Uint8Array, start: number, end: number): boolean {
    if (this.problem !== null) return false;
    if (end <= start) return true;
    if (bytes[end - 1] !== NEWLINE) throw new Error("FastCsvChunkReader.feed: the region must end with a newline");
    const region = bytes.subarray(start, end);
    if (region.indexOf(QUOTE) >= 0) {
      this.problem = { kind: "quote" };
      return false;
    }
    // A carriage return is allowed only before a newline (\r\n line ends).
    for (let at = region.indexOf(RETURN); at >= 0; at = region.indexOf(RETURN, at + 1)) {
      if (region[at + 1] !== NEWLINE) {
        this.problem = { kind: "carriage-return" };
        return false;
      }
    }
    try {
      this.readLines(bytes, start, end);
    } catch (error) {
      if (!(error instanceof Stop)) throw error;
      this.problem = error.problem;
      return false;
    }
    if (this.crlf > 0 && this.lf > 0) {
      // papaparse would pick one line ending and keep the other inside fields.
      this.problem = { kind: "line-endings" };
      return false;
    }
    return true;
  }

  private readLines(bytes: Uint8Array, start: number, end: number): void {
    const { slotOfField, states, plan } = this;
    const fieldCount = plan.fieldCount;
    let pos = start;
    while (pos < end) {
      this.lines += 1;
      const line = this.lines;
      const lineStart = pos;
      let field = 0;
      let blankFirst = false;
      for (;;) {
        if (field >= fieldCount) throw new Stop({ kind: "fields", line, fields: this.countFields(bytes, lineStart) });
        const slot = slotOfField[field];
        const fieldStart = pos;
        let c: number;
        if (slot < 0) {
          while ((c = bytes[pos]) !== COMMA && c !== NEWLINE) pos += 1;
        } else {
          const state = states[slot];
          if (state.kind === "numerical") pos = this.readNumberField(bytes, pos, state, slot);
          else pos = this.readCategoryField(bytes, pos, state, line);
          c = bytes[pos];
        }
        if (field === 0 && c === NEWLINE) blankFirst = isBlank(bytes, fieldStart, pos);
        field += 1;
        if (c === NEWLINE) break;
        pos += 1;
      }
      if (bytes[pos - 1] === RETURN) this.crlf += 1;
      else this.lf += 1;
      pos += 1;
      if (field === 1 && blankFirst) {
        // A blank line is skipped, as the general reader does; its one (missing) value is taken back.
        const slot = slotOfField[0];
        if (slot >= 0) states[slot].missing -= 1;
        this.blanks += 1;
        continue;
      }
      if (field !== fieldCount) throw new Stop({ kind: "fields", line, fields: field });
    }
  }

  private countFields(bytes: Uint8Array, lineStart: number): number {
    let fields = 1;
    for (let pos = lineStart; bytes[pos] !== NEWLINE; pos += 1) if (bytes[pos] === COMMA) fields += 1;
    return fields;
  }

  /** Reads one numerical field from `pos`; returns the position of its comma or newline. */
  private readNumberField(bytes: Uint8Array, pos: number, state: TNumericalState, slot: number): number {
    const fieldStart = pos;
    let p = pos;
    let c = bytes[p];
    let negative = false;
    if (c === MINUS) {
      negative = true;
      c = bytes[++p];
    } else if (c === PLUS) {
      c = bytes[++p];
    }
    let mantissa = 0;
    let digits = 0;
    let digit = c - ZERO;
    while (digit >= 0 && digit <= 9) {
      mantissa = mantissa * 10 + digit;
      digits += 1;
      digit = bytes[++p] - ZERO;
    }
    let exponent = 0;
    c = bytes[p];
    if (c === DOT) {
      digit = bytes[++p] - ZERO;
      while (digit >= 0 && digit <= 9) {
        mantissa = mantissa * 10 + digit;
        digits += 1;
        exponent -= 1;
        digit = bytes[++p] - ZERO;
      }
      c = bytes[p];
    }
    let exact = digits > 0 && digits <= MAX_FAST_DIGITS;
    if ((c | 32) === LOWER_E) {
      c = bytes[++p];
      let exponentNegative = false;
      if (c === MINUS || c === PLUS) {
        exponentNegative = c === MINUS;
        c = bytes[++p];
      }
      let written = 0;
      let exponentDigits = 0;
      digit = c - ZERO;
      while (digit >= 0 && digit <= 9) {
        if (written < 10000) written = written * 10 + digit;
        exponentDigits += 1;
        digit = bytes[++p] - ZERO;
      }
      if (exponentDigits === 0) exact = false;
      exponent += exponentNegative ? -written : written;
      c = bytes[p];
    }
    if (c === RETURN && bytes[p + 1] === NEWLINE) c = NEWLINE;
    if (exact && (c === COMMA || c === NEWLINE) && exponent >= -22 && exponent <= 22) {
      // Clinger: an exact integer times or over an exact power of ten, rounded once, is the correctly rounded value.
      const value = exponent >= 0 ? mantissa * POWERS_OF_TEN[exponent] : mantissa / POWERS_OF_TEN[-exponent];
      this.pushNumber(state, negative ? -value : value);
      return bytes[p] === RETURN ? p + 1 : p;
    }
    // Anything else (blanks, many digits, nan, inf, text): the general reader's rules on the text.
    while ((c = bytes[p]) !== COMMA && c !== NEWLINE) p += 1;
    const number = readNumber(decodeField(bytes, fieldStart, p));
    if (number === undefined) throw new Stop({ kind: "text", column: slot });
    if (Number.isNaN(number)) state.missing += 1;
    else if (number === Infinity || number === -Infinity) state.infinite += 1;
    else this.pushNumber(state, number);
    return p;
  }

  private pushNumber(state: TNumericalState, value: number): void {
    if (state.size === state.values.length) {
      const grown = new Float64Array(Math.ceil(state.values.length * 1.5));
      grown.set(state.values);
      state.values = grown;
    }
    state.values[state.size] = value;
    state.size += 1;
  }

  /** Reads one categorical field from `pos` (hashing its bytes); returns the position of its comma or newline. */
  private readCategoryField(bytes: Uint8Array, pos: number, state: TCategoricalState, line: number): number {
    let p = pos;
    let hash = 0x811c9dc5 | 0;
    let c: number;
    while ((c = bytes[p]) !== COMMA && c !== NEWLINE) {
      hash = Math.imul(hash ^ c, 16777619);
      p += 1;
    }
    let id = state.table.find(bytes, pos, p, hash);
    if (id === -2) {
      id = this.categoryId(state, decodeField(bytes, pos, p), line);
      state.table.add(bytes, pos, p, hash, id);
    }
    if (id < 0) state.missing += 1;
    else state.counts[id] += 1;
    return p;
  }

  /** The category of a field's text as drift sees it: String(number), the trimmed text, or −1 for missing. */
  private categoryId(state: TCategoricalState, text: string, line: number): number {
    const number = readNumber(text);
    let key: string;
    if (number === undefined) {
      key = text.trim();
      if (state.firstText === null) state.firstText = { line, text: key };
    } else if (Number.isNaN(number)) {
      return -1;
    } else {
      key = String(number);
    }
    let id = state.keyIds.get(key);
    if (id === undefined) {
      id = state.categories.length;
      state.keyIds.set(key, id);
      state.categories.push(key);
      state.counts.push(0);
    }
    return id;
  }

  /** The columns read so far (number arrays trimmed to their size when that saves much). */
  finish(): TChunkResult {
    const columns = this.states.map((state): TColumnPart => {
      if (state.kind === "categorical") {
        return {
          kind: "categorical",
          categories: state.categories,
          counts: state.counts,
          missing: state.missing,
          firstText: state.firstText,
        };
      }
      const values =
        state.values.length - state.size > state.size / 8 ? state.values.slice(0, state.size) : state.values.subarray(0, state.size);
      return { kind: "numerical", values, infinite: state.infinite, missing: state.missing };
    });
    return { lines: this.lines, rows: this.lines - this.blanks, crlf: this.crlf, lf: this.lf, columns };
  }
}

function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i += 1) {
    const c = bytes[i];
    // ASCII white space; anything else (including non-ASCII spaces) goes to the text check.
    if (c !== 32 && c !== 9 && c !== RETURN && c !== 11 && c !== 12) return c >= 128 ? decodeField(bytes, start, end).trim() === "" : false;
  }
  return true;
}

function decodeField(bytes: Uint8Array, start: number, end: number): string {
  // The \r of a \r\n line end is not part of the field.
  const stop = end > start && bytes[end - 1] === RETURN && bytes[end] === NEWLINE ? end - 1 : end;
  return textDecoder.decode(bytes.subarray(start, stop));
}

/** Chunk results of one file, in file order, as one column per kept column. */
export type TMergedNumerical = { kind: "numerical"; values: Float64Array; infinite: number; missing: number };
export type TMergedCategorical = {
  kind: "categorical";
  categories: string[];
  counts: number[];
  missing: number;
  /** Line within the merged chunks (1-based), or null. */
  firstText: { line: number; text: string } | null;
};

/** Joins one column's parts from consecutive chunks (`linesBefore[i]`: lines in chunks before part i). */
export function mergeColumnParts(parts: TColumnPart[], linesBefore: number[]): TMergedNumerical | TMergedCategorical {
  if (parts.length === 0) throw new Error("mergeColumnParts: no parts");
  if (parts.every((part) => part.kind === "numerical")) {
    const numerical = parts as TNumericalPart[];
    if (numerical.length === 1) return { ...numerical[0] };
    const values = new Float64Array(numerical.reduce((sum, part) => sum + part.values.length, 0));
    let at = 0;
    for (const part of numerical) {
      values.set(part.values, at);
      at += part.values.length;
    }
    return {
      kind: "numerical",
      values,
      infinite: numerical.reduce((sum, part) => sum + part.infinite, 0),
      missing: numerical.reduce((sum, part) => sum + part.missing, 0),
    };
  }
  if (parts.some((part) => part.kind === "numerical")) throw new Error("mergeColumnParts: parts of different kinds");
  const index = new Map<string, number>();
  const categories: string[] = [];
  const counts: number[] = [];
  let missing = 0;
  let firstText: { line: number; text: string } | null = null;
  (parts as TCategoricalPart[]).forEach((part, i) => {
    missing += part.missing;
    if (firstText === null && part.firstText !== null)
      firstText = { line: linesBefore[i] + part.firstText.line, text: part.firstText.text };
    part.categories.forEach((category, j) => {
      const at = index.get(category);
      if (at === undefined) {
        index.set(category, categories.length);
        categories.push(category);
        counts.push(part.counts[j]);
      } else {
        counts[at] += part.counts[j];
      }
    });
  });
  return { kind: "categorical", categories, counts, missing, firstText };
}

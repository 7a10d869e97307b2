// A CSV column reader over bytes for the drift report: numbers are read straight from the bytes
// and categories are counted by their bytes, so a million rows make no strings. Plain decimals of
// up to 9 digits are read in one pass (four digits at a time where there are four) and kept as
// 32-bit integers over a power of ten per column (TNumberRun: half the memory of doubles, and
// unpacking divides an exact integer by an exact power of ten, Clinger's fast path, so each double
// is the correctly rounded one); a column turns to doubles when a value does not fit. Every value
// means what the general reader (papaparse + readNumber, lib/cli/csv-columns.ts) makes of it:
// anything but a plain decimal goes through Clinger's path up to 15 digits, else readNumber.
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
const NINE = 57;
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

/**
 * A run of a numerical column's values in row order: plain decimals as integers over one power of
 * ten (`digits[i] / 10^scale` is the value: half the bytes of doubles, and an exact integer over an
 * exact power of ten divides to the correctly rounded double), or doubles once a value does not fit.
 */
export type TNumberRun = { kind: "decimal"; digits: Int32Array; scale: number } | { kind: "double"; values: Float64Array };
/** A numerical column of one chunk: its finite values (`length` of them); NaN/blank counted as missing, ±∞ counted apart. */
export type TNumericalPart = { kind: "numerical"; runs: TNumberRun[]; length: number; infinite: number; missing: number };
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

type TCategoricalState = {
  table: ByteKeyTable;
  keyIds: Map<string, number>;
  categories: string[];
  counts: number[];
  missing: number;
  firstText: { line: number; text: string } | null;
};

/** What the line loop does with a field (0, the kinds array's default: skip it). */
const NUMERICAL = 1;
const CATEGORICAL = 2;
/** Digits the line loop adds up as a 32-bit integer (10^9 < 2^31); longer numbers take the slow path. */
const MAX_INT_DIGITS = 9;
const EMPTY_DOUBLES = new Float64Array(0);
const EMPTY_DIGITS = new Int32Array(0);
/** A numerical slot's scale before its first value, and once it holds doubles. */
const NO_SCALE = -1;
const DOUBLES = -2;
const MAX_DIGITS_VALUE = 2 ** 31 - 1;
/** Bytes per call of the line loop. */
const PIECE_BYTES = 64 * 1024;
/** Slots of FastCsvChunkReader's counters. */
const LINES = 0;
const CRLF = 1;
const BLANKS = 2;

/** Thrown inside the line loop to stop at a problem; caught by `feed`. */
class Stop {
  constructor(readonly problem: TFastCsvProblem) {}
}

/**
 * Reads chunks of complete lines (each region handed to `feed` ends with "\n") into the plan's
 * columns. `expectedRows` sizes the number arrays (they grow if it is short). The state lives in
 * flat typed arrays indexed by column slot so the line loop stays monomorphic and allocates nothing.
 */
export class FastCsvChunkReader {
  /** Per field of a row: SKIP, NUMERICAL or CATEGORICAL. */
  private readonly kinds: Uint8Array;
  private readonly slotOfField: Int32Array;
  /**
   * Per slot: a numerical column's values so far, as integers over 10^scales[slot] while they fit
   * (digits), else as doubles (scales[slot] = DOUBLES); their count; ±∞ and missing counts.
   */
  private readonly digits: Int32Array[];
  private readonly doubles: Float64Array[];
  private readonly scales: Int32Array;
  private readonly sizes: Int32Array;
  private readonly infinite: Int32Array;
  private readonly missing: Int32Array;
  private readonly categorical: (TCategoricalState | null)[];
  /** Lines read, lines ending in \r\n, blank lines: a typed array the line loop updates line by line. */
  private readonly counters = new Float64Array(3);
  problem: TFastCsvProblem | null = null;

  constructor(
    private readonly plan: TFastCsvPlan,
    expectedRows = 1024,
  ) {
    this.kinds = new Uint8Array(plan.fieldCount);
    this.slotOfField = new Int32Array(plan.fieldCount).fill(-1);
    const slots = plan.columns.length;
    this.sizes = new Int32Array(slots);
    this.infinite = new Int32Array(slots);
    this.missing = new Int32Array(slots);
    plan.columns.forEach((column, slot) => {
      this.slotOfField[column.field] = slot;
      this.kinds[column.field] = column.categorical ? CATEGORICAL : NUMERICAL;
    });
    this.digits = plan.columns.map((column) => (column.categorical ? EMPTY_DIGITS : new Int32Array(Math.max(expectedRows, 16))));
    this.doubles = plan.columns.map(() => EMPTY_DOUBLES);
    this.scales = new Int32Array(slots).fill(NO_SCALE);
    this.categorical = plan.columns.map((column) =>
      column.categorical ? { table: new ByteKeyTable(), keyIds: new Map(), categories: [], counts: [], missing: 0, firstText: null } : null,
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
    // A carriage return is allowed only before a newline (\r\n line ends): the line loop relies on it.
    for (let at = region.indexOf(RETURN); at >= 0; at = region.indexOf(RETURN, at + 1)) {
      if (region[at + 1] !== NEWLINE) {
        this.problem = { kind: "carriage-return" };
        return false;
      }
    }
    try {
      // Small pieces: the line loop then gets optimized as a whole function after a few calls instead of
      // on stack replacement in the middle of its loop, whose code is several times slower.
      for (let from = start; from < end;) {
        let to = from + PIECE_BYTES;
        to = to >= end ? end : bytes.indexOf(NEWLINE, to) + 1;
        this.readLines(bytes, from, to);
        from = to;
      }
    } catch (error) {
      if (!(error instanceof Stop)) throw error;
      this.problem = error.problem;
      return false;
    }
    const counters = this.counters;
    if (counters[CRLF] > 0 && counters[CRLF] < counters[LINES]) {
      // papaparse would pick one line ending and keep the other inside fields.
      this.problem = { kind: "line-endings" };
      return false;
    }
    return true;
  }

  /**
   * The line loop: one pass over the bytes, numbers of up to 9 digits without an exponent read
   * inline as an integer over a power of ten, anything else handed to `readNumberSlow`.
   */
  private readLines(bytes: Uint8Array, start: number, end: number): void {
    const { kinds, slotOfField, digits: digitColumns, scales, sizes } = this;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const last = this.plan.fieldCount - 1;
    let pos = start;
    const counters = this.counters;
    let lines = counters[LINES];
    while (pos < end) {
      lines += 1;
      const lineStart = pos;
      let field = 0;
      let c = 0;
      for (;;) {
        const kind = kinds[field];
        const fieldStart = pos;
        if (kind === NUMERICAL) {
          const slot = slotOfField[field];
          let p = pos;
          c = bytes[p];
          let negative = false;
          if (c === MINUS) {
            negative = true;
            c = bytes[++p];
          } else if (c === PLUS) {
            c = bytes[++p];
          }
          let mantissa = 0;
          let digits = 0;
          let scale = 0;
          if (p + 4 <= end) {
            // The leading digits among the next four bytes at once (SWAR, first byte lowest): the first byte that is
            // not a digit ends them; a borrow from it in the subtraction only reaches the bytes after it.
            const word = view.getUint32(p, true);
            const notDigits = ((word & 0xf0f0f0f0) | (((word + 0x06060606) & 0xf0f0f0f0) >>> 4)) ^ 0x33333333;
            const count = notDigits === 0 ? 4 : (31 - Math.clz32(notDigits & -notDigits)) >>> 3;
            if (count > 0) {
              const aligned = (word - 0x30303030) << (32 - 8 * count);
              const pairs = Math.imul(aligned, 10) + (aligned >>> 8);
              mantissa = (pairs & 0xff) * 100 + ((pairs >>> 16) & 0xff);
              digits = count;
              p += count;
              c = bytes[p];
            }
          }
          while (digits < MAX_INT_DIGITS && c >= ZERO && c <= NINE) {
            mantissa = mantissa * 10 + (c - ZERO);
            digits += 1;
            c = bytes[++p];
          }
          if (c === DOT) {
            p += 1;
            // Four fraction digits at once while there are (SWAR on a little-endian word: first digit in the low byte).
            while (digits <= MAX_INT_DIGITS - 4 && p + 4 <= end) {
              const word = view.getUint32(p, true);
              if (((word & 0xf0f0f0f0) | (((word + 0x06060606) & 0xf0f0f0f0) >>> 4)) !== 0x33333333) break;
              const pairs = Math.imul(word - 0x30303030, 10) + ((word - 0x30303030) >>> 8);
              mantissa = mantissa * 10000 + (pairs & 0xff) * 100 + ((pairs >>> 16) & 0xff);
              digits += 4;
              scale += 4;
              p += 4;
            }
            c = bytes[p];
            while (digits < MAX_INT_DIGITS && c >= ZERO && c <= NINE) {
              mantissa = mantissa * 10 + (c - ZERO);
              digits += 1;
              scale += 1;
              c = bytes[++p];
            }
          }
          // A carriage return is always followed by a newline here (checked in `feed`).
          if (c === RETURN) c = bytes[++p];
          if (digits > 0 && (c === COMMA || c === NEWLINE)) {
            // The column's scale, room, and not −0 (no integer keeps its sign): stored as is; else pushDecimal decides.
            const column = digitColumns[slot];
            const size = sizes[slot];
            if (scales[slot] === scale && size < column.length && (mantissa !== 0 || !negative)) {
              column[size] = negative ? -mantissa : mantissa;
              sizes[slot] = size + 1;
            } else {
              this.pushDecimal(slot, mantissa, scale, negative);
            }
            pos = p;
          } else {
            pos = this.readNumberSlow(bytes, fieldStart, slot);
            c = bytes[pos];
          }
        } else if (kind === CATEGORICAL) {
          let hash = 0x811c9dc5 | 0;
          while ((c = bytes[pos]) !== COMMA && c !== NEWLINE) {
            hash = Math.imul(hash ^ c, 16777619);
            pos += 1;
          }
          this.countCategory(bytes, fieldStart, pos, hash, slotOfField[field], lines);
        } else {
          while ((c = bytes[pos]) !== COMMA && c !== NEWLINE) pos += 1;
        }
        if (c === NEWLINE) break;
        if (field === last) throw new Stop({ kind: "fields", line: lines, fields: this.countFields(bytes, lineStart) });
        field += 1;
        pos += 1;
      }
      // Counted line by line, not after the loop: code after a loop first optimized mid-loop (OSR) has no type
      // feedback yet, and reaching it would throw the optimized code away at the end of every chunk.
      counters[LINES] = lines;
      counters[CRLF] += pos > lineStart && bytes[pos - 1] === RETURN ? 1 : 0;
      if (field === 0 && isBlank(bytes, lineStart, pos)) {
        // A blank line is skipped, as the general reader does; its one (missing) value is taken back.
        const slot = slotOfField[0];
        if (slot >= 0) {
          const state = this.categorical[slot];
          if (state === null) this.missing[slot] -= 1;
          else state.missing -= 1;
        }
        counters[BLANKS] += 1;
      } else if (field !== last) {
        throw new Stop({ kind: "fields", line: lines, fields: field + 1 });
      }
      pos += 1;
    }
  }

  private countFields(bytes: Uint8Array, lineStart: number): number {
    let fields = 1;
    for (let pos = lineStart; bytes[pos] !== NEWLINE; pos += 1) if (bytes[pos] === COMMA) fields += 1;
    return fields;
  }

  /**
   * A decimal the line loop read (mantissa < 10^9, scale ≤ 9) but did not store: the column's
   * first value, another scale, a full array, −0, or a column of doubles.
   */
  private pushDecimal(slot: number, mantissa: number, scale: number, negative: boolean): void {
    let columnScale = this.scales[slot];
    if (columnScale === NO_SCALE) {
      columnScale = scale;
      this.scales[slot] = scale;
    }
    if (columnScale >= 0 && (mantissa !== 0 || !negative)) {
      if (scale > columnScale && this.rescale(slot, scale)) columnScale = scale;
      if (scale <= columnScale) {
        const scaled = mantissa * POWERS_OF_TEN[columnScale - scale];
        if (scaled <= MAX_DIGITS_VALUE) {
          let column = this.digits[slot];
          const size = this.sizes[slot];
          if (size === column.length) {
            column = grown(column);
            this.digits[slot] = column;
          }
          column[size] = negative ? -scaled : scaled;
          this.sizes[slot] = size + 1;
          return;
        }
      }
    }
    // Clinger: an integer below 2^53 over an exact power of ten, rounded once, is the correctly rounded value.
    const value = mantissa / POWERS_OF_TEN[scale];
    this.pushDouble(slot, negative ? -value : value);
  }

  /** Raises a slot's scale to `scale` (its integers times a power of ten), or returns false when one would not fit. */
  private rescale(slot: number, scale: number): boolean {
    const column = this.digits[slot];
    const size = this.sizes[slot];
    const factor = POWERS_OF_TEN[scale - this.scales[slot]];
    let largest = 0;
    for (let i = 0; i < size; i += 1) largest = Math.max(largest, Math.abs(column[i]));
    if (largest * factor > MAX_DIGITS_VALUE) return false;
    for (let i = 0; i < size; i += 1) column[i] *= factor;
    this.scales[slot] = scale;
    return true;
  }

  private pushDouble(slot: number, value: number): void {
    if (this.scales[slot] !== DOUBLES) this.switchToDoubles(slot);
    let column = this.doubles[slot];
    const size = this.sizes[slot];
    if (size === column.length) {
      column = grown(column);
      this.doubles[slot] = column;
    }
    column[size] = value;
    this.sizes[slot] = size + 1;
  }

  /** The slot's integers so far as doubles (each the correctly rounded value of its decimal); doubles from now on. */
  private switchToDoubles(slot: number): void {
    const column = this.digits[slot];
    const size = this.sizes[slot];
    const doubles = new Float64Array(Math.max(column.length, 16));
    const scale = Math.max(this.scales[slot], 0);
    const power = POWERS_OF_TEN[scale];
    for (let i = 0; i < size; i += 1) doubles[i] = column[i] / power;
    this.doubles[slot] = doubles;
    this.digits[slot] = EMPTY_DIGITS;
    this.scales[slot] = DOUBLES;
  }

  /**
   * A numerical field the line loop did not take (more digits, an exponent, blanks, nan, inf,
   * text): Clinger's fast path up to 15 digits and 10^±22, else the general reader's rules on the
   * text. Returns the position of the field's comma or newline.
   */
  private readNumberSlow(bytes: Uint8Array, fieldStart: number, slot: number): number {
    let p = fieldStart;
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
    while (c >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO);
      digits += 1;
      c = bytes[++p];
    }
    let exponent = 0;
    if (c === DOT) {
      c = bytes[++p];
      while (c >= ZERO && c <= NINE) {
        mantissa = mantissa * 10 + (c - ZERO);
        digits += 1;
        exponent -= 1;
        c = bytes[++p];
      }
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
      while (c >= ZERO && c <= NINE) {
        if (written < 10000) written = written * 10 + (c - ZERO);
        exponentDigits += 1;
        c = bytes[++p];
      }
      if (exponentDigits === 0) exact = false;
      exponent += exponentNegative ? -written : written;
    }
    const end = c === RETURN ? p + 1 : p;
    if (exact && (bytes[end] === COMMA || bytes[end] === NEWLINE) && exponent >= -22 && exponent <= 22) {
      const value = exponent >= 0 ? mantissa * POWERS_OF_TEN[exponent] : mantissa / POWERS_OF_TEN[-exponent];
      this.pushDouble(slot, negative ? -value : value);
      return end;
    }
    // Anything else (blanks, many digits, nan, inf, text): the general reader's rules on the text.
    while ((c = bytes[p]) !== COMMA && c !== NEWLINE) p += 1;
    const number = readNumber(decodeField(bytes, fieldStart, p));
    if (number === undefined) throw new Stop({ kind: "text", column: slot });
    if (Number.isNaN(number)) this.missing[slot] += 1;
    else if (number === Infinity || number === -Infinity) this.infinite[slot] += 1;
    else this.pushDouble(slot, number);
    return p;
  }

  /** Counts one categorical field, bytes[start, end) with this hash, under its category. */
  private countCategory(bytes: Uint8Array, start: number, end: number, hash: number, slot: number, line: number): void {
    const state = this.categorical[slot]!;
    let id = state.table.find(bytes, start, end, hash);
    if (id === -2) {
      id = categoryId(state, decodeField(bytes, start, end), line);
      state.table.add(bytes, start, end, hash, id);
    }
    if (id < 0) state.missing += 1;
    else state.counts[id] += 1;
  }

  /** The columns read so far (number arrays trimmed to their size when that saves much). */
  finish(): TChunkResult {
    const columns = this.plan.columns.map((_, slot): TColumnPart => {
      const state = this.categorical[slot];
      if (state !== null) {
        return {
          kind: "categorical",
          categories: state.categories,
          counts: state.counts,
          missing: state.missing,
          firstText: state.firstText,
        };
      }
      const size = this.sizes[slot];
      const scale = this.scales[slot];
      const run: TNumberRun =
        scale === DOUBLES
          ? { kind: "double", values: trimmed(this.doubles[slot], size) }
          : { kind: "decimal", digits: trimmed(this.digits[slot], size), scale: Math.max(scale, 0) };
      return { kind: "numerical", runs: [run], length: size, infinite: this.infinite[slot], missing: this.missing[slot] };
    });
    const counters = this.counters;
    const lines = counters[LINES];
    return { lines, rows: lines - counters[BLANKS], crlf: counters[CRLF], lf: lines - counters[CRLF], columns };
  }
}

/** The category of a field's text as drift sees it: String(number), the trimmed text, or −1 for missing. */
function categoryId(state: TCategoricalState, text: string, line: number): number {
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

/** A numerical array grown by half (rows beyond the estimate). */
function grown<T extends Int32Array | Float64Array>(values: T): T {
  const larger = new (values.constructor as new (length: number) => T)(Math.ceil(values.length * 1.5));
  larger.set(values);
  return larger;
}

/** The first `size` values, copied when that frees much of the array. */
function trimmed<T extends Int32Array | Float64Array>(values: T, size: number): T {
  return (values.length - size > size / 8 ? values.slice(0, size) : values.subarray(0, size)) as T;
}

/** Writes runs' values, in order, as doubles into `target` (long enough); returns the written part. */
export function unpackRuns(runs: TNumberRun[], target: Float64Array): Float64Array {
  let at = 0;
  for (const run of runs) {
    if (run.kind === "double") {
      target.set(run.values, at);
      at += run.values.length;
      continue;
    }
    const { digits, scale } = run;
    // Each integer over the exact power of ten: the correctly rounded double of its decimal, as parseFloat gives.
    const power = POWERS_OF_TEN[scale];
    for (let i = 0; i < digits.length; i += 1) target[at + i] = digits[i] / power;
    at += digits.length;
  }
  return target.subarray(0, at);
}

/** Chunk results of one file, in file order, as one column per kept column. */
export type TMergedNumerical = TNumericalPart;
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
    // The runs side by side, not copied: the measuring thread unpacks them.
    return {
      kind: "numerical",
      runs: numerical.flatMap((part) => part.runs),
      length: numerical.reduce((sum, part) => sum + part.length, 0),
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

import { z } from "zod";

/**
 * The normaliser for input from outside (REST bodies, worker requests, forms): what PostgreSQL
 * and the model would refuse or mangle is refused here first with a message naming the field,
 * so bad input gets a 4xx instead of a failed insert (a 500).
 */

/** Deeper JSON than this is refused before anything walks it recursively (validation, error messages). */
const MAX_JSON_DEPTH = 32;
/** The largest finite float32 (IEEE 754 binary32), what a PostgreSQL `real` column and an FP32 tensor hold. */
const FLOAT32_MAX = 3.4028234663852886e38;
/** The smallest positive normal float32; anything smaller in magnitude is flushed to 0 (see toFloat32). */
const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;
/** Dates outside these years are typing mistakes or probes (year 0000 is not even a PostgreSQL timestamp). */
const MIN_YEAR = 1900;
const MAX_YEAR = 2200;

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a text cannot be stored as PostgreSQL text / jsonb (NUL bytes, lone UTF-16 surrogates), or null when it can. */
export function textProblem(text: string): string | null {
  if (text.includes("\u0000")) return "must not contain NUL bytes (\\u0000)";
  if (LONE_SURROGATE.test(text)) return "must be valid Unicode (it holds a lone surrogate)";
  return null;
}

export type TEdgeProblem = { field: string; message: string; tooDeep: boolean };

/** A container met on the walk, with the key it was reached by: paths are built only for a problem. */
type TJsonFrame = { value: object; depth: number; parent: TJsonFrame | null; key: string | number };

/**
 * Walks a parsed JSON value without recursion and returns a problem: nesting deeper than
 * `maxDepth`, a string or key `textProblem` refuses, or a number that is not finite (JSON.parse
 * reads 1e400 as Infinity). The field is the dotted path (`instances.0.sex`). Every request body
 * passes through here, so the walk allocates one small frame per object or array and nothing per value.
 */
export function findJsonProblem(value: unknown, maxDepth: number = MAX_JSON_DEPTH): TEdgeProblem | null {
  if (typeof value !== "object" || value === null) {
    const message = valueProblem(value);
    return message ? problem([], message) : null;
  }
  const stack: TJsonFrame[] = [{ value, depth: 0, parent: null, key: "" }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.depth >= maxDepth) {
      const path = pathOf(frame);
      return {
        field: (path.slice(0, 8).join(".") || "(body)") + (path.length > 8 ? ".…" : ""),
        message: `is nested deeper than ${maxDepth} levels`,
        tooDeep: true,
      };
    }
    const item = frame.value as Record<string, unknown>;
    const keys = Array.isArray(item) ? null : Object.keys(item);
    const length = keys ? keys.length : (item as unknown as unknown[]).length;
    for (let index = 0; index < length; index += 1) {
      const key = keys ? keys[index] : index;
      if (keys) {
        const keyProblem = textProblem(key as string);
        if (keyProblem) return problem(pathOf(frame), `a key ${keyProblem}`);
      }
      const child = item[key];
      if (typeof child === "object" && child !== null) stack.push({ value: child, depth: frame.depth + 1, parent: frame, key });
      else {
        const message = valueProblem(child);
        if (message) return problem([...pathOf(frame), key], message);
      }
    }
  }
  return null;
}

function problem(keys: Array<string | number>, message: string): TEdgeProblem {
  return { field: keys.join(".") || "(body)", message, tooDeep: false };
}

/** Why a JSON scalar cannot be stored (see findJsonProblem), or null. */
function valueProblem(value: unknown): string | null {
  if (typeof value === "string") return textProblem(value);
  if (typeof value === "number" && !Number.isFinite(value)) return "must be a finite number";
  return null;
}

/** The keys from the root to a frame. */
function pathOf(frame: TJsonFrame): Array<string | number> {
  const keys: Array<string | number> = [];
  for (let at: TJsonFrame | null = frame; at?.parent; at = at.parent) keys.push(at.key);
  return keys.reverse();
}

/**
 * A number as a float32 column or tensor will hold it: beyond ±FLOAT32_MAX is refused (it would
 * become Infinity), and magnitudes below FLOAT32_MIN_NORMAL (subnormals such as 5e-324) are flushed
 * to 0, which is what they round to for the model anyway; PostgreSQL `real` refuses some of them.
 */
export function toFloat32(value: number): { ok: true; value: number } | { ok: false; message: string } {
  if (!Number.isFinite(value)) return { ok: false, message: `must be a finite number, got ${value}` };
  if (Math.abs(value) > FLOAT32_MAX) return { ok: false, message: `must be within ±3.4e38 (float32), got ${value}` };
  return { ok: true, value: Math.abs(value) < FLOAT32_MIN_NORMAL ? 0 : value };
}

/** Text that PostgreSQL can store: zod string with the textProblem check. */
export function safeText() {
  return z.string().superRefine((text, context) => {
    const problem = textProblem(text);
    if (problem) context.addIssue({ code: "custom", message: problem });
  });
}

/** An ISO 8601 date-time with offset, a real calendar date, in the years MIN_YEAR–MAX_YEAR. */
export const ZInstant = z.iso
  .datetime({ offset: true, abort: true, error: "must be an ISO 8601 date-time like 2026-03-01T12:00:00Z" })
  .superRefine((text, context) => {
    const problem = instantProblem(text);
    if (problem) context.addIssue({ code: "custom", message: problem });
  });

/** Why an ISO date or date-time is not a sane instant (calendar, year range), or null. */
export function instantProblem(text: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!match) return "must be an ISO 8601 date";
  const [year, month, day] = match.slice(1).map(Number);
  if (year < MIN_YEAR || year > MAX_YEAR) return `must be in the years ${MIN_YEAR}–${MAX_YEAR}, got ${year}`;
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return `${match[0]} is not a calendar date`;
  if (Number.isNaN(Date.parse(text))) return "must be an ISO 8601 date";
  return null;
}

/** Bytes as MiB (2^20), the unit every size limit is stated in. */
export function formatMiB(bytes: number): string {
  const mebibytes = bytes / 1024 / 1024;
  return `${Number.isInteger(mebibytes) ? mebibytes : mebibytes.toFixed(1)} MiB`;
}

import { z } from "zod";
import type { TReviewReasonCode, TSlaState } from "../types/review";

/** The review queue's filters and position, as the /review URL carries them. */
export type TQueueQuery = {
  model?: string;
  reason?: TReviewReasonCode;
  sla?: TSlaState;
  status?: "available" | "claimed" | "mine";
  age?: number;
  size: number;
  after?: TQueueCursor;
  before?: TQueueCursor;
};

/** A keyset position in the queue's order (due time, then id): the exact due time as PostgreSQL prints it, and the id. */
export type TQueueCursor = { dueAt: string; id: string };

export const QUEUE_PAGE_SIZES = [25, 50, 100, 200] as const;
const DEFAULT_QUEUE_PAGE_SIZE = 50;

const REVIEW_REASONS = ["low_confidence", "high_risk_rule", "random_sample", "shadow_disagreement"] as const;
const SLA_STATES = ["overdue", "due_soon", "on_track"] as const;
const QUEUE_STATUSES = ["available", "claimed", "mine"] as const;

// Microseconds matter: two items can share a millisecond, and a cursor rounded to it would skip one.
const ZCursor = z
  .string()
  .max(80)
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  .refine((value) => !Number.isNaN(Date.parse(value.slice(0, value.indexOf("_")))))
  .transform((value): TQueueCursor => {
    const split = value.indexOf("_");
    return { dueAt: value.slice(0, split), id: value.slice(split + 1) };
  });

function encodeQueueCursor(cursor: TQueueCursor): string {
  return `${cursor.dueAt}_${cursor.id}`;
}

const FIELDS = {
  model: [z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/), "not a model name"],
  reason: [z.enum(REVIEW_REASONS), "not a review reason"],
  sla: [z.enum(SLA_STATES), "not an SLA state (overdue, due_soon, on_track)"],
  status: [z.enum(QUEUE_STATUSES), "not a status (available, claimed, mine)"],
  age: [
    z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 365),
    "not a whole number of hours from 1 to 8,760",
  ],
  size: [z.coerce.number().pipe(z.literal(QUEUE_PAGE_SIZES)), "not a page size (25, 50, 100, 200)"],
  after: [ZCursor, "not a queue position"],
  before: [ZCursor, "not a queue position"],
} as const;

/**
 * Parses /review's search params one by one: a bad value is dropped and named in `ignored`
 * (the page says so), never a reason to fail. An empty value means "any". Both cursors at once
 * keep `after`.
 */
export function parseQueueQuery(params: Record<string, string | string[] | undefined>): { query: TQueueQuery; ignored: string[] } {
  const query: TQueueQuery = { size: DEFAULT_QUEUE_PAGE_SIZE };
  const ignored: string[] = [];
  for (const [key, [schema, problem]] of Object.entries(FIELDS)) {
    const raw = params[key];
    if (raw === undefined || raw === "") continue;
    const parsed = typeof raw === "string" ? schema.safeParse(raw) : null;
    if (parsed?.success) Object.assign(query, { [key]: parsed.data });
    else ignored.push(`${key}: ${typeof raw === "string" ? `“${raw.slice(0, 40)}” is ${problem}` : "given more than once"}`);
  }
  if (query.after && query.before) query.before = undefined;
  return { query, ignored };
}

/**
 * The /review URL for a query: filters and page size kept, default values left out, at most one
 * cursor. `changes` override the query's values (undefined removes one).
 */
export function queueHref(query: TQueueQuery, changes: Partial<TQueueQuery> = {}): string {
  const next = { ...query, ...changes };
  const params = new URLSearchParams();
  if (next.model) params.set("model", next.model);
  if (next.reason) params.set("reason", next.reason);
  if (next.sla) params.set("sla", next.sla);
  if (next.status) params.set("status", next.status);
  if (next.age) params.set("age", String(next.age));
  if (next.size !== DEFAULT_QUEUE_PAGE_SIZE) params.set("size", String(next.size));
  if (next.after) params.set("after", encodeQueueCursor(next.after));
  else if (next.before) params.set("before", encodeQueueCursor(next.before));
  const search = params.toString();
  return search ? `/review?${search}` : "/review";
}

/** "Showing 51–100 of 257": the 1-based positions of a page's first and last rows. */
export function describeQueueRange(input: { offset: number; shown: number; total: number }): string {
  if (input.shown === 0) return `Showing 0 of ${input.total.toLocaleString("en-US")}`;
  const first = input.offset + 1;
  const last = input.offset + input.shown;
  return `Showing ${first.toLocaleString("en-US")}–${last.toLocaleString("en-US")} of ${input.total.toLocaleString("en-US")}`;
}

/** Skipped item ids a browser session remembers (sessionStorage), parsed defensively: at most the last 200 ids. */
export const ZSkippedIds = z.array(z.uuid()).max(200);
const MAX_SKIPPED = 200;

export function rememberSkipped(previous: readonly string[], id: string): string[] {
  return [...previous.filter((existing) => existing !== id), id].slice(-MAX_SKIPPED);
}

import { z } from "zod";

const ZDate = z.iso.date({ error: "use a date like 2026-11-24" });

/** The Audit page's filter, parsed from the query string (page and CSV export share it). */
export const ZAuditFilterQuery = z.object({
  actor: z
    .string()
    .trim()
    .max(200)
    .optional()
    .transform((value) => value || undefined),
  action: z
    .string()
    .trim()
    .max(100)
    .optional()
    .transform((value) => value || undefined),
  model: z
    .string()
    .trim()
    .max(64)
    .optional()
    .transform((value) => value || undefined),
  from: z
    .union([ZDate, z.literal("")])
    .optional()
    .transform((value) => value || undefined),
  to: z
    .union([ZDate, z.literal("")])
    .optional()
    .transform((value) => value || undefined),
});
export type TAuditFilterQuery = z.infer<typeof ZAuditFilterQuery>;

/** Dates are whole UTC days: `to` includes its day, so the upper bound is the next midnight. */
export function auditFilterRange(query: TAuditFilterQuery): { from?: Date; to?: Date } {
  return {
    from: query.from ? new Date(`${query.from}T00:00:00Z`) : undefined,
    to: query.to ? new Date(new Date(`${query.to}T00:00:00Z`).getTime() + 86_400_000) : undefined,
  };
}

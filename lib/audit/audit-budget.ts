/**
 * A fixed-window budget for audit records that anyone can cause without signing in (a failed
 * single sign-on can be provoked by calling the callback URL): at most `limit` records per window;
 * the rest are counted, and the count rides on the next record admitted, so the log says how many
 * were left out instead of growing without bound.
 */
export type TAuditBudget = { windowStartMs: number; admitted: number; suppressed: number };

export function admitAuditRecord(
  budget: TAuditBudget,
  nowMs: number,
  options: { limit: number; windowMs: number },
): { budget: TAuditBudget; admit: boolean; suppressedBefore: number } {
  const current = nowMs - budget.windowStartMs >= options.windowMs ? { ...budget, windowStartMs: nowMs, admitted: 0 } : budget;
  if (current.admitted >= options.limit)
    return { budget: { ...current, suppressed: current.suppressed + 1 }, admit: false, suppressedBefore: 0 };
  return { budget: { ...current, admitted: current.admitted + 1, suppressed: 0 }, admit: true, suppressedBefore: current.suppressed };
}

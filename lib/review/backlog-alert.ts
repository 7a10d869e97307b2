/**
 * Hysteresis for the overdue-review alert: it fires above `threshold` and resolves only once the
 * count is back at or below `resolveAt`, so a count hovering at the threshold does not flap.
 */
export function nextAlertState(input: {
  overdue: number;
  threshold: number;
  resolveAt: number;
  firing: boolean;
}): "fire" | "resolve" | "keep" {
  if (!input.firing && input.overdue > input.threshold) return "fire";
  if (input.firing && input.overdue <= input.resolveAt) return "resolve";
  return "keep";
}

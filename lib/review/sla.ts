import type { TSlaState } from "../types/review";

/** SLA state of a review item: overdue past its due time, due soon within the last `dueSoonFraction` of its window. */
export function slaState(input: { now: Date; createdAt: Date; dueAt: Date; dueSoonFraction?: number }): TSlaState {
  const remainingMs = input.dueAt.getTime() - input.now.getTime();
  if (remainingMs <= 0) return "overdue";
  const windowMs = input.dueAt.getTime() - input.createdAt.getTime();
  return remainingMs <= windowMs * (input.dueSoonFraction ?? 0.25) ? "due_soon" : "on_track";
}

export const OVERRIDE_REASON_CODES = {
  model_wrong: "The model's label is wrong for this case",
  missing_information: "Information the model does not see changes the decision",
  policy_exception: "A policy exception applies",
  data_error: "The input data is wrong",
} as const;

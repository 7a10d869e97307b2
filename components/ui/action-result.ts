import type { TActionResult } from "@/lib/types/action";

export type TFieldErrors = Record<string, string[] | undefined>;
type TActionFailure = Extract<TActionResult<unknown>, { ok: false }>;

/** What a form shows after its action ran: `message` is the text of its result callout (none for a silent success). */
export type TActionState<TData> =
  { ok: true; data: TData; message: string | null } | { ok: false; status: number; message: string; fieldErrors: TFieldErrors };

/** Shown when the action threw instead of returning a result (network lost, server crashed): its error is never shown as is. */
export const UNEXPECTED_FAILURE: TActionFailure = {
  ok: false,
  status: 500,
  message: "Something went wrong and the action may not have run. Reload the page and try again.",
};

/** The first error of a field, under the first of `names` that has one (a nested input may report `rule.name` for `name`). */
export function fieldErrorOf(fieldErrors: TFieldErrors | undefined, ...names: string[]): string | undefined {
  for (const name of names) {
    const first = fieldErrors?.[name]?.[0];
    if (first) return first;
  }
  return undefined;
}

/**
 * The text of a refused action's callout: the errors of fields the form does not show beside an
 * input, as "field: error, error; field: error", or else the action's own message.
 */
export function failureText(failure: { message: string; fieldErrors?: TFieldErrors }, shownFields: readonly string[] = []): string {
  const unshown = Object.entries(failure.fieldErrors ?? {}).filter(([field, errors]) => errors?.length && !shownFields.includes(field));
  return unshown.length ? unshown.map(([field, errors]) => `${field}: ${errors!.join(", ")}`).join("; ") : failure.message;
}

/** A server action's result as the state a form renders. */
export function toActionState<TData>(
  result: TActionResult<TData>,
  { successMessage, shownFields }: { successMessage?: string | ((data: TData) => string | null); shownFields?: readonly string[] },
): TActionState<TData> {
  if (result.ok) {
    const message = typeof successMessage === "function" ? successMessage(result.data) : (successMessage ?? null);
    return { ok: true, data: result.data, message };
  }
  return { ok: false, status: result.status, message: failureText(result, shownFields), fieldErrors: result.fieldErrors ?? {} };
}

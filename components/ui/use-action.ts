"use client";

import { unstable_rethrow } from "next/navigation";
import { useState, useTransition } from "react";
import type { TActionResult } from "@/lib/types/action";
import { fieldErrorOf, toActionState, UNEXPECTED_FAILURE, type TActionState } from "./action-result";

export type TUseActionOptions<TData> = {
  /** Shown in the result callout after a success; a function may return null to show nothing. */
  successMessage?: string | ((data: TData) => string | null);
  /** Fields the form shows errors beside; errors of other fields go into the message. */
  shownFields?: readonly string[];
  onSuccess?: (data: TData) => void;
  onFailure?: (failure: Extract<TActionState<TData>, { ok: false }>) => void;
};

/**
 * Runs a server action in a transition and keeps its result for the form to show. A thrown
 * action (network lost, server crashed) shows a generic message, never the error; Next.js's own
 * redirect and not-found signals pass through.
 */
export function useAction<TInput, TData>(action: (input: TInput) => Promise<TActionResult<TData>>, options: TUseActionOptions<TData> = {}) {
  const [pending, startTransition] = useTransition();
  const [state, setState] = useState<TActionState<TData> | null>(null);

  function run(input: TInput, callOptions: TUseActionOptions<TData> = {}) {
    const { onSuccess, onFailure, ...messages } = { ...options, ...callOptions };
    startTransition(async () => {
      setState(null);
      let result: TActionResult<TData>;
      try {
        result = await action(input);
      } catch (error) {
        unstable_rethrow(error);
        // The console is for whoever debugs; the page shows only the generic message.
        console.error(error);
        result = UNEXPECTED_FAILURE;
      }
      const next = toActionState(result, messages);
      setState(next);
      if (next.ok) onSuccess?.(next.data);
      else onFailure?.(next);
    });
  }

  return {
    run,
    pending,
    state,
    /** The message of a refusal, if the last run was refused. */
    error: state && !state.ok ? state.message : null,
    fieldError: (...names: string[]) => (state && !state.ok ? fieldErrorOf(state.fieldErrors, ...names) : undefined),
    reset: () => setState(null),
  };
}

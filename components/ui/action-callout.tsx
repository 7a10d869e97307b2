import type { CSSProperties } from "react";
import type { TActionState } from "./action-result";

/**
 * The result of a form's last action: a status after a success (when it has a message), an
 * alert after a refusal. `label` names it for assistive technology and tests.
 */
export function ActionCallout({ state, label, style }: { state: TActionState<unknown> | null; label: string; style?: CSSProperties }) {
  if (!state?.message) return null;
  return (
    <p className={`callout ${state.ok ? "success" : "error"}`} role={state.ok ? "status" : "alert"} aria-label={label} style={style}>
      {state.message}
    </p>
  );
}

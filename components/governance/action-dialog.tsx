"use client";

import { useRouter } from "next/navigation";
import { useRef, type ReactNode } from "react";
import { ActionCallout } from "@/components/ui/action-callout";
import { Field, TextAreaField } from "@/components/ui/field";
import { useAction } from "@/components/ui/use-action";
import type { TActionResult } from "@/lib/types/action";

/**
 * A button that opens a confirmation dialog, optionally asking for a reason or a percent, and
 * runs a server action. A refused action shows its message in the dialog; when the state
 * changed under the user, the page refreshes so they see the new state.
 */
export function ActionDialog({
  label,
  title,
  description,
  tone = "default",
  askReason,
  reasonLabel = "Reason",
  askPercent,
  defaultPercent = 10,
  run,
  children,
}: {
  label: string;
  title: string;
  description: ReactNode;
  tone?: "default" | "primary" | "danger";
  askReason?: "required" | "optional";
  /** What the reason field is called (a request for approval may need a justification). */
  reasonLabel?: string;
  askPercent?: boolean;
  defaultPercent?: number;
  run: (fields: { reason?: string; canaryPercent?: number }) => Promise<TActionResult>;
  children?: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const action = useAction(run, {
    // A request for approval calls the reason its note.
    shownFields: ["canaryPercent", "reason", "note"],
    onSuccess: () => {
      dialog.current?.close();
      router.refresh();
    },
    onFailure: (failure) => {
      if (failure.status === 409) router.refresh();
    },
  });
  const idBase = label.toLowerCase().replace(/[^a-z0-9]+/g, "-");

  function submit(form: FormData) {
    const percent = form.get("percent");
    action.run({ reason: form.get("reason")?.toString(), canaryPercent: percent === null ? undefined : Number(percent) });
  }

  return (
    <>
      <button
        type="button"
        className={`button ${tone === "default" ? "" : tone}`}
        onClick={() => {
          action.reset();
          dialog.current?.showModal();
        }}
      >
        {label}
      </button>
      <dialog ref={dialog} className="dialog" aria-labelledby={`${idBase}-title`}>
        <form action={submit}>
          <h2 id={`${idBase}-title`}>{title}</h2>
          <div className="muted" style={{ marginBottom: 12 }}>
            {description}
          </div>
          {children}
          {askPercent ? (
            <Field
              label="Share of traffic (%)"
              name="percent"
              type="number"
              min={1}
              max={50}
              step={1}
              defaultValue={defaultPercent}
              required
              error={action.fieldError("canaryPercent")}
            />
          ) : null}
          {askReason ? (
            <TextAreaField
              label={`${reasonLabel}${askReason === "required" ? "" : " (optional)"}`}
              name="reason"
              rows={2}
              required={askReason === "required"}
              minLength={askReason === "required" ? 5 : undefined}
              error={action.fieldError("reason", "note")}
            />
          ) : null}
          <ActionCallout state={action.state} label="Action error" />
          <div style={{ display: "flex", gap: 8, justifyContent: "flex-end" }}>
            <button type="button" className="button" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
            <button type="submit" className={`button ${tone === "danger" ? "danger" : "primary"}`} disabled={action.pending}>
              {action.pending ? "Working…" : `Confirm: ${label.toLowerCase()}`}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}

"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition, type ReactNode } from "react";

export type TActionResult = { ok: true } | { ok: false; status: number; message: string; fieldErrors?: Record<string, string[] | undefined> };

/**
 * A button that opens a confirmation dialog, optionally asking for a reason or a percent, and
 * runs a server action. A refused action shows its message in the dialog; when the state
 * changed under the user, the page refreshes so they see the new state.
 */
export function ActionDialog({ label, title, description, tone = "default", askReason, askPercent, defaultPercent = 10, run, children }: {
  label: string;
  title: string;
  description: ReactNode;
  tone?: "default" | "primary" | "danger";
  askReason?: "required" | "optional";
  askPercent?: boolean;
  defaultPercent?: number;
  run: (fields: { reason?: string; canaryPercent?: number }) => Promise<TActionResult>;
  children?: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const idBase = label.toLowerCase().replace(/[^a-z0-9]+/g, "-");

  function submit(form: FormData) {
    startTransition(async () => {
      setError(null);
      const percent = form.get("percent");
      const result = await run({ reason: form.get("reason")?.toString(), canaryPercent: percent === null ? undefined : Number(percent) });
      if (result.ok) {
        dialog.current?.close();
        router.refresh();
        return;
      }
      setError(result.fieldErrors ? Object.entries(result.fieldErrors).map(([field, messages]) => `${field}: ${messages?.join(", ")}`).join("; ") : result.message);
      if (result.status === 409) router.refresh();
    });
  }

  return (
    <>
      <button type="button" className={`button ${tone === "default" ? "" : tone}`} onClick={() => { setError(null); dialog.current?.showModal(); }}>
        {label}
      </button>
      <dialog ref={dialog} className="dialog" aria-labelledby={`${idBase}-title`}>
        <form action={submit}>
          <h2 id={`${idBase}-title`}>{title}</h2>
          <div className="muted" style={{ marginBottom: 12 }}>{description}</div>
          {children}
          {askPercent ? (
            <div className="field">
              <label htmlFor={`${idBase}-percent`}>Share of traffic (%)</label>
              <input id={`${idBase}-percent`} name="percent" type="number" min={1} max={50} step={1} defaultValue={defaultPercent} required />
            </div>
          ) : null}
          {askReason ? (
            <div className="field">
              <label htmlFor={`${idBase}-reason`}>Reason{askReason === "required" ? "" : " (optional)"}</label>
              <textarea id={`${idBase}-reason`} name="reason" rows={2} required={askReason === "required"} minLength={askReason === "required" ? 5 : undefined} />
            </div>
          ) : null}
          {error ? <p className="callout error" role="alert" aria-label="Action error">{error}</p> : null}
          <div style={{ display: "flex", gap: 8, justifyContent: "flex-end" }}>
            <button type="button" className="button" onClick={() => dialog.current?.close()}>Cancel</button>
            <button type="submit" className={`button ${tone === "danger" ? "danger" : "primary"}`} disabled={pending}>{pending ? "Working…" : `Confirm: ${label.toLowerCase()}`}</button>
          </div>
        </form>
      </dialog>
    </>
  );
}

"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";
import { OVERRIDE_REASON_CODES } from "@/lib/review/sla";

type TDecideResult = { ok: true; data: { nextId: string | null } } | { ok: false; message: string; fieldErrors?: Record<string, string[] | undefined> };

/**
 * Accept or override, keyboard first as annotation tools do: A accepts, O starts an override,
 * 1–4 pick its reason, Enter confirms it. Shortcuts are off while typing in the comment.
 */
export function DecisionForm({ itemId, modelLabel, otherLabel, decide }: {
  itemId: string;
  modelLabel: string;
  otherLabel: string;
  decide: (input: { id: string; decision: string; reasonCode?: string; comment?: string }) => Promise<TDecideResult>;
}) {
  const router = useRouter();
  const [mode, setMode] = useState<"choose" | "override">("choose");
  const [reasonCode, setReasonCode] = useState<string>("");
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const reasonRef = useRef<HTMLSelectElement>(null);
  const reasonCodes = Object.entries(OVERRIDE_REASON_CODES);

  const submit = (decision: "accept" | "override") =>
    startTransition(async () => {
      setError(null);
      const result = await decide({ id: itemId, decision, reasonCode: decision === "override" ? reasonCode || undefined : undefined, comment: comment || undefined });
      if (!result.ok) {
        setError(result.fieldErrors ? Object.values(result.fieldErrors).flat().join(" ") || result.message : result.message);
        return;
      }
      router.push(result.data.nextId ? `/review/${result.data.nextId}` : "/review?done=1");
      router.refresh();
    });

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (pending || event.metaKey || event.ctrlKey || event.altKey || target.tagName === "TEXTAREA" || target.tagName === "INPUT") return;
      const key = event.key.toLowerCase();
      if (mode === "choose" && key === "a") { event.preventDefault(); submit("accept"); }
      else if (mode === "choose" && key === "o") { event.preventDefault(); setMode("override"); setTimeout(() => reasonRef.current?.focus(), 0); }
      else if (mode === "override" && /^[1-9]$/.test(key) && reasonCodes[Number(key) - 1]) { event.preventDefault(); setReasonCode(reasonCodes[Number(key) - 1][0]); }
      else if (mode === "override" && key === "enter" && target.tagName !== "BUTTON") { event.preventDefault(); submit("override"); }
      else if (mode === "override" && key === "escape") { event.preventDefault(); setMode("choose"); }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  return (
    <section className="card" aria-labelledby="decision-heading">
      <h2 id="decision-heading">Decision</h2>
      {error ? <p className="callout error" role="alert" aria-label="Decision error">{error}</p> : null}
      <div className="field">
        <label htmlFor="comment">Comment (optional)</label>
        <textarea id="comment" rows={2} value={comment} onChange={(event) => setComment(event.target.value)} maxLength={2000} />
      </div>
      {mode === "choose" ? (
        <div style={{ display: "flex", gap: 10, flexWrap: "wrap" }}>
          <button type="button" className="button primary" disabled={pending} onClick={() => submit("accept")} aria-keyshortcuts="A">
            Accept “{modelLabel}” <kbd>A</kbd>
          </button>
          <button type="button" className="button" disabled={pending} onClick={() => setMode("override")} aria-keyshortcuts="O">
            Override to “{otherLabel}” <kbd>O</kbd>
          </button>
        </div>
      ) : (
        <div>
          <div className="field">
            <label htmlFor="reason-code">Override reason (keys 1–{reasonCodes.length})</label>
            <select id="reason-code" ref={reasonRef} value={reasonCode} onChange={(event) => setReasonCode(event.target.value)}>
              <option value="">Choose a reason…</option>
              {reasonCodes.map(([code, label], index) => <option key={code} value={code}>{index + 1}. {label}</option>)}
            </select>
          </div>
          <div style={{ display: "flex", gap: 10 }}>
            <button type="button" className="button danger" disabled={pending} onClick={() => submit("override")} aria-keyshortcuts="Enter">
              Confirm override to “{otherLabel}” <kbd>Enter</kbd>
            </button>
            <button type="button" className="button" disabled={pending} onClick={() => setMode("choose")}>Cancel <kbd>Esc</kbd></button>
          </div>
        </div>
      )}
    </section>
  );
}

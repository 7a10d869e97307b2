"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { TActionResult } from "./action-dialog";

/** The rule-based fallback as JSON, editable by the committee; the server validates it against the champion's schema. */
export function FallbackRulesForm({ modelSlug, rulesJson, editable, save }: { modelSlug: string; rulesJson: string; editable: boolean; save: (input: Record<string, unknown>) => Promise<TActionResult> }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const [pending, startTransition] = useTransition();
  if (!editable) return <pre className="mono" style={{ whiteSpace: "pre-wrap", margin: 0 }}>{rulesJson}</pre>;
  return (
    <form
      aria-label="Fallback rules"
      action={(form) =>
        startTransition(async () => {
          const result = await save({ modelSlug, rulesJson: String(form.get("rules") ?? "") });
          setMessage(result.ok ? { tone: "success", text: "Rules saved; workers use them from now on." } : { tone: "error", text: result.message });
          if (result.ok) router.refresh();
        })
      }
    >
      <div className="field">
        <label htmlFor="fallback-rules">Rules (JSON): the first matching rule gives p(positive), else the default</label>
        <textarea id="fallback-rules" name="rules" rows={10} className="mono" defaultValue={rulesJson} spellCheck={false} />
      </div>
      {message ? <p className={`callout ${message.tone}`} role={message.tone === "error" ? "alert" : "status"} aria-label="Fallback rules result">{message.text}</p> : null}
      <button type="submit" className="button primary" disabled={pending}>{pending ? "Saving…" : "Save fallback rules"}</button>
    </form>
  );
}

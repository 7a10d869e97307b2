"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { TActionResult } from "./action-dialog";

/** A committee vote: a comment is required, and a rejection needs a real reason. */
export function VoteForm({ modelSlug, versionId, vote }: { modelSlug: string; versionId: string; vote: (input: Record<string, unknown>) => Promise<TActionResult> }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const submit = (decision: "approve" | "reject", form: HTMLFormElement) =>
    startTransition(async () => {
      setError(null);
      const result = await vote({ modelSlug, versionId, decision, comment: String(new FormData(form).get("comment") ?? "") });
      if (result.ok) router.refresh();
      else setError(result.message);
    });
  return (
    <form aria-label="Vote" onSubmit={(event) => event.preventDefault()}>
      <div className="field">
        <label htmlFor="vote-comment">Comment (required; the reason, if you reject)</label>
        <textarea id="vote-comment" name="comment" rows={2} required />
      </div>
      {error ? <p className="callout error" role="alert" aria-label="Vote error">{error}</p> : null}
      <div style={{ display: "flex", gap: 8 }}>
        <button type="button" className="button primary" disabled={pending} onClick={(event) => submit("approve", event.currentTarget.form!)}>Approve</button>
        <button type="button" className="button danger" disabled={pending} onClick={(event) => submit("reject", event.currentTarget.form!)}>Reject</button>
      </div>
    </form>
  );
}

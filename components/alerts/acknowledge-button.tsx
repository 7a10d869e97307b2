"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { TActionResult } from "@/components/governance/action-dialog";

/** Acknowledges a firing alert: someone is on it. It still resolves only when the value recovers. */
export function AcknowledgeButton({ id, title, acknowledge }: { id: string; title: string; acknowledge: (input: { id: string }) => Promise<TActionResult> }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <>
      <button type="button" className="button" disabled={pending} aria-label={`Acknowledge ${title}`}
        onClick={() => startTransition(async () => {
          const result = await acknowledge({ id });
          setError(result.ok ? null : result.message);
          if (result.ok) router.refresh();
        })}>
        {pending ? "Acknowledging…" : "Acknowledge"}
      </button>
      {error ? <span className="error" role="alert" style={{ color: "var(--bad)", display: "block", fontSize: 12.5 }}>{error}</span> : null}
    </>
  );
}

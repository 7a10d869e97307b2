"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

type TClaimResult = { ok: true; data: { id: string | null } } | { ok: false; message: string };

export function ClaimNextButton({ claimNext }: { claimNext: (input: Record<string, never>) => Promise<TClaimResult> }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<string | null>(null);
  return (
    <div style={{ display: "flex", gap: 10, alignItems: "center" }}>
      {message ? <span className="muted" role="status">{message}</span> : null}
      <button
        type="button"
        className="button primary"
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            const result = await claimNext({});
            if (!result.ok) setMessage(result.message);
            else if (result.data.id) router.push(`/review/${result.data.id}`);
            else setMessage("The queue is empty.");
          })
        }
      >
        {pending ? "Claiming…" : "Claim next item"}
      </button>
    </div>
  );
}

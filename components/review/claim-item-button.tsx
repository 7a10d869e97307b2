"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

type TResult = { ok: true } | { ok: false; message: string };

export function ClaimItemButton({ id, claim }: { id: string; claim: (input: { id: string }) => Promise<TResult> }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <div>
      {error ? <p className="callout error" role="alert" aria-label="Claim error">{error}</p> : null}
      <button type="button" className="button primary" disabled={pending} onClick={() => startTransition(async () => {
        const result = await claim({ id });
        if (result.ok) router.refresh();
        else setError(result.message);
      })}>
        {pending ? "Claiming…" : "Claim this item"}
      </button>
    </div>
  );
}

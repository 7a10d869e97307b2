"use client";

import { useRouter } from "next/navigation";
import { ActionCallout } from "@/components/ui/action-callout";
import { useAction } from "@/components/ui/use-action";
import type { TActionResult } from "@/lib/types/action";

export function ClaimItemButton({ id, claim }: { id: string; claim: (input: { id: string }) => Promise<TActionResult> }) {
  const router = useRouter();
  const claiming = useAction(claim, { onSuccess: () => router.refresh() });
  return (
    <div>
      <ActionCallout state={claiming.state} label="Claim error" />
      <button type="button" className="button primary" disabled={claiming.pending} onClick={() => claiming.run({ id })}>
        {claiming.pending ? "Claiming…" : "Claim this item"}
      </button>
    </div>
  );
}

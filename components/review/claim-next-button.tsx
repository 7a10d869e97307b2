"use client";

import { useRouter } from "next/navigation";
import { useAction } from "@/components/ui/use-action";
import type { TActionResult } from "@/lib/types/action";
import { readSkippedIds } from "./skipped-items";

export function ClaimNextButton({
  claimNext,
}: {
  claimNext: (input: { skippedIds?: string[] }) => Promise<TActionResult<{ id: string | null }>>;
}) {
  const router = useRouter();
  const claiming = useAction(claimNext, {
    successMessage: (data) =>
      data.id ? null : readSkippedIds().length ? "Nothing left but the items you skipped." : "The queue is empty.",
    onSuccess: (data) => {
      if (data.id) router.push(`/review/${data.id}`);
    },
  });
  return (
    <div style={{ display: "flex", gap: 10, alignItems: "center" }}>
      {claiming.state?.message ? (
        <span className="muted" role="status">
          {claiming.state.message}
        </span>
      ) : null}
      <button
        type="button"
        className="button primary"
        disabled={claiming.pending}
        onClick={() => claiming.run({ skippedIds: readSkippedIds() })}
      >
        {claiming.pending ? "Claiming…" : "Claim next item"}
      </button>
    </div>
  );
}

"use client";

import { useRouter } from "next/navigation";
import { useAction } from "@/components/ui/use-action";
import type { TActionResult } from "@/lib/types/action";

/** Acknowledges a firing alert: someone is on it. It still resolves only when the value recovers. */
export function AcknowledgeButton({
  id,
  title,
  acknowledge,
}: {
  id: string;
  title: string;
  acknowledge: (input: { id: string }) => Promise<TActionResult>;
}) {
  const router = useRouter();
  const acknowledging = useAction(acknowledge, { onSuccess: () => router.refresh() });
  return (
    <>
      <button
        type="button"
        className="button"
        disabled={acknowledging.pending}
        aria-label={`Acknowledge ${title}`}
        onClick={() => acknowledging.run({ id })}
      >
        {acknowledging.pending ? "Acknowledging…" : "Acknowledge"}
      </button>
      {acknowledging.error ? (
        <span className="error" role="alert" style={{ color: "var(--bad)", display: "block", fontSize: 12.5 }}>
          {acknowledging.error}
        </span>
      ) : null}
    </>
  );
}

"use client";

import { useRouter } from "next/navigation";
import { ActionCallout } from "@/components/ui/action-callout";
import { TextAreaField } from "@/components/ui/field";
import { useAction } from "@/components/ui/use-action";
import type { TActionResult } from "@/lib/types/action";

/** A committee vote: a comment is required, and a rejection needs a real reason. */
export function VoteForm({
  modelSlug,
  versionId,
  vote,
}: {
  modelSlug: string;
  versionId: string;
  vote: (input: Record<string, unknown>) => Promise<TActionResult>;
}) {
  const router = useRouter();
  const voting = useAction(vote, { shownFields: ["comment"], onSuccess: () => router.refresh() });
  const { pending } = voting;
  const submit = (decision: "approve" | "reject", form: HTMLFormElement) =>
    voting.run({ modelSlug, versionId, decision, comment: String(new FormData(form).get("comment") ?? "") });
  return (
    <form aria-label="Vote" onSubmit={(event) => event.preventDefault()}>
      <TextAreaField
        label="Comment (required; the reason, if you reject)"
        name="comment"
        rows={2}
        required
        error={voting.fieldError("comment")}
      />
      <ActionCallout state={voting.state} label="Vote error" />
      <div style={{ display: "flex", gap: 8 }}>
        <button
          type="button"
          className="button primary"
          disabled={pending}
          onClick={(event) => submit("approve", event.currentTarget.form!)}
        >
          Approve
        </button>
        <button type="button" className="button danger" disabled={pending} onClick={(event) => submit("reject", event.currentTarget.form!)}>
          Reject
        </button>
      </div>
    </form>
  );
}

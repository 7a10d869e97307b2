"use client";

import { useRouter } from "next/navigation";
import { ActionCallout } from "@/components/ui/action-callout";
import { TextAreaField } from "@/components/ui/field";
import { useAction } from "@/components/ui/use-action";
import type { TActionResult } from "@/lib/types/action";

/** The rule-based fallback as JSON, editable by the committee; the server validates it against the champion's schema. */
export function FallbackRulesForm({
  modelSlug,
  rulesJson,
  editable,
  save,
}: {
  modelSlug: string;
  rulesJson: string;
  editable: boolean;
  save: (input: Record<string, unknown>) => Promise<TActionResult>;
}) {
  const router = useRouter();
  const saving = useAction(save, {
    successMessage: "Rules saved; workers use them from now on.",
    shownFields: ["rulesJson"],
    onSuccess: () => router.refresh(),
  });
  if (!editable)
    return (
      <pre className="mono" style={{ whiteSpace: "pre-wrap", margin: 0 }}>
        {rulesJson}
      </pre>
    );
  return (
    <form aria-label="Fallback rules" action={(form) => saving.run({ modelSlug, rulesJson: String(form.get("rules") ?? "") })}>
      <TextAreaField
        label="Rules (JSON): the first matching rule gives p(positive), else the default"
        name="rules"
        rows={10}
        className="mono"
        defaultValue={rulesJson}
        spellCheck={false}
        error={saving.fieldError("rulesJson")}
      />
      <ActionCallout state={saving.state} label="Fallback rules result" />
      <button type="submit" className="button primary" disabled={saving.pending}>
        {saving.pending ? "Saving…" : "Save fallback rules"}
      </button>
    </form>
  );
}

"use client";

import { useRouter } from "next/navigation";
import { ActionCallout } from "@/components/ui/action-callout";
import { Field, SelectField, TextAreaField } from "@/components/ui/field";
import { useAction } from "@/components/ui/use-action";
import type { TActionResult } from "@/lib/types/action";

type TModelFields = { slug: string; displayName: string; description: string; riskTier: string; useCase: string; businessKpi: string };

const RISK_TIERS = [
  { value: "low", label: "Low — 1 approval" },
  { value: "medium", label: "Medium — 2 approvals" },
  { value: "high", label: "High — 3 approvals" },
];

/** Creates a model, or edits one when `existing` is given (its slug is fixed). */
export function CreateModelForm({
  create,
  existing,
  ownerEmail,
}: {
  create: (input: Record<string, string>) => Promise<TActionResult<{ slug: string }>>;
  existing?: TModelFields;
  /** The current owner's email, when editing. */
  ownerEmail?: string | null;
}) {
  const router = useRouter();
  const saving = useAction(create, { onSuccess: (data) => router.push(`/models/${data.slug}`) });
  const { pending } = saving;
  function submit(form: FormData) {
    const fields = Object.fromEntries([...form.entries()].map(([key, value]) => [key, String(value)]));
    saving.run(existing ? { ...fields, slug: existing.slug } : fields);
  }
  return (
    <form className="card" style={{ maxWidth: 720 }} aria-label={existing ? "Edit model" : "New model"} action={submit}>
      <ActionCallout state={saving.state} label="Model error" />
      {existing ? null : (
        <Field
          label="Name (slug)"
          name="slug"
          required
          pattern="[a-z][a-z0-9]*(-[a-z0-9]+)*"
          placeholder="fraud-score"
          hint="Lowercase words joined by hyphens; used in URLs and the API. It cannot change later."
        />
      )}
      <Field label="Display name" name="displayName" defaultValue={existing?.displayName} required minLength={3} />
      <TextAreaField label="Description" name="description" rows={2} defaultValue={existing?.description} />
      <SelectField label="Risk tier" name="riskTier" defaultValue={existing?.riskTier ?? "medium"} options={RISK_TIERS} />
      <Field label="Use case" name="useCase" defaultValue={existing?.useCase} />
      <Field label="Business KPI it serves" name="businessKpi" defaultValue={existing?.businessKpi} />
      <Field
        label="Owner (email)"
        name="owner"
        type="email"
        defaultValue={ownerEmail ?? undefined}
        hint={existing ? "The accountable owner on the model card; an Oversight user." : "Left empty, you are the owner."}
      />
      <button type="submit" className="button primary" disabled={pending}>
        {pending ? "Saving…" : existing ? "Save changes" : "Create model"}
      </button>
    </form>
  );
}

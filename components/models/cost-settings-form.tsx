"use client";

import { useRouter } from "next/navigation";
import { ActionCallout } from "@/components/ui/action-callout";
import { Field } from "@/components/ui/field";
import { useAction } from "@/components/ui/use-action";
import type { TActionResult } from "@/lib/types/action";
import type { TCostSettings } from "@/lib/cost/projection";

const FIELDS: Array<{ name: keyof TCostSettings; label: string; unit: string; step: string }> = [
  { name: "instancePricePerHourUsd", label: "Instance price", unit: "USD per hour", step: "0.01" },
  { name: "instances", label: "Instances", unit: "count", step: "1" },
  { name: "costPerFalsePositiveUsd", label: "Cost of a false positive", unit: "USD", step: "1" },
  { name: "costPerFalseNegativeUsd", label: "Cost of a false negative", unit: "USD", step: "1" },
  { name: "benefitPerTruePositiveUsd", label: "Benefit of a true positive", unit: "USD", step: "1" },
  { name: "reviewCostPerItemUsd", label: "Review cost per item", unit: "USD", step: "0.5" },
  { name: "retrainingCostUsd", label: "Retraining cost", unit: "USD", step: "100" },
  { name: "retrainingCadenceMonths", label: "Retraining cadence", unit: "months", step: "1" },
];

/** The model's cost settings: editable by the committee and admins, read-only for everyone else. */
export function CostSettingsForm({
  modelSlug,
  settings,
  editable,
  save,
}: {
  modelSlug: string;
  settings: TCostSettings;
  editable: boolean;
  save: (input: Record<string, string>) => Promise<TActionResult>;
}) {
  const router = useRouter();
  const saving = useAction(save, {
    successMessage: "Cost settings saved; the projection uses them.",
    shownFields: FIELDS.map((field) => field.name),
    onSuccess: () => router.refresh(),
  });
  if (!editable) {
    return (
      <dl className="facts">
        {FIELDS.map((field) => (
          <div key={field.name}>
            <dt>{field.label}</dt>
            <dd>
              {settings[field.name].toLocaleString("en-US")} {field.unit}
            </dd>
          </div>
        ))}
      </dl>
    );
  }
  return (
    <form
      aria-label="Cost settings"
      action={(form) =>
        saving.run({ modelSlug, ...Object.fromEntries(FIELDS.map((field) => [field.name, String(form.get(field.name) ?? "")])) })
      }
    >
      <div style={{ display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(200px, 1fr))", columnGap: 12 }}>
        {FIELDS.map((field) => (
          <Field
            key={field.name}
            label={
              <>
                {field.label} <span className="muted">({field.unit})</span>
              </>
            }
            name={field.name}
            type="number"
            min="0"
            step={field.step}
            defaultValue={settings[field.name]}
            required
            error={saving.fieldError(field.name)}
          />
        ))}
      </div>
      <ActionCallout state={saving.state} label="Cost settings result" />
      <button type="submit" className="button primary" disabled={saving.pending}>
        {saving.pending ? "Saving…" : "Save cost settings"}
      </button>
    </form>
  );
}

"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { TActionResult } from "@/components/governance/action-dialog";
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
export function CostSettingsForm({ modelSlug, settings, editable, save }: {
  modelSlug: string; settings: TCostSettings; editable: boolean;
  save: (input: Record<string, string>) => Promise<TActionResult>;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [result, setResult] = useState<TActionResult | null>(null);
  if (!editable) {
    return (
      <dl className="facts">
        {FIELDS.map((field) => <div key={field.name}><dt>{field.label}</dt><dd>{settings[field.name].toLocaleString("en-US")} {field.unit}</dd></div>)}
      </dl>
    );
  }
  const errors = result && !result.ok ? result.fieldErrors ?? {} : {};
  return (
    <form aria-label="Cost settings" action={(form) => startTransition(async () => {
      const values = Object.fromEntries(FIELDS.map((field) => [field.name, String(form.get(field.name) ?? "")]));
      const outcome = await save({ modelSlug, ...values });
      setResult(outcome);
      if (outcome.ok) router.refresh();
    })}>
      <div style={{ display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(200px, 1fr))", columnGap: 12 }}>
        {FIELDS.map((field) => {
          const error = errors[field.name]?.[0];
          return (
            <div className="field" key={field.name}>
              <label htmlFor={`cost-${field.name}`}>{field.label} <span className="muted">({field.unit})</span></label>
              <input id={`cost-${field.name}`} name={field.name} type="number" min="0" step={field.step} defaultValue={settings[field.name]} required aria-invalid={Boolean(error)} aria-describedby={error ? `cost-${field.name}-error` : undefined} />
              {error ? <span className="error" id={`cost-${field.name}-error`} role="alert">{error}</span> : null}
            </div>
          );
        })}
      </div>
      {result ? <p className={`callout ${result.ok ? "success" : "error"}`} role={result.ok ? "status" : "alert"} aria-label="Cost settings result">{result.ok ? "Cost settings saved; the projection uses them." : result.message}</p> : null}
      <button type="submit" className="button primary" disabled={pending}>{pending ? "Saving…" : "Save cost settings"}</button>
    </form>
  );
}

"use client";

import { useRouter } from "next/navigation";
import { ActionCallout } from "@/components/ui/action-callout";
import { Field, SelectField } from "@/components/ui/field";
import { useAction } from "@/components/ui/use-action";
import type { TActionResult } from "@/lib/types/action";
import type { TCostSettings } from "@/lib/cost/projection";
import { BASELINE_LABELS, BASELINE_POLICIES, type TValueMatrix } from "@/lib/cost/value";

const COST_FIELDS: Array<{ name: keyof TCostSettings; label: string; unit: string; step: string }> = [
  { name: "instancePricePerHourUsd", label: "Instance price", unit: "USD per hour", step: "0.01" },
  { name: "instances", label: "Instances", unit: "count", step: "1" },
  { name: "reviewCostPerItemUsd", label: "Review cost per item", unit: "USD", step: "0.5" },
  { name: "retrainingCostUsd", label: "Retraining cost", unit: "USD", step: "100" },
  { name: "retrainingCadenceMonths", label: "Retraining cadence", unit: "months", step: "1" },
];

type TCellField = "truePositiveUsd" | "falsePositiveUsd" | "trueNegativeUsd" | "falseNegativeUsd";
const CELL_FIELDS: Array<{ name: TCellField; label: string }> = [
  { name: "truePositiveUsd", label: "True positive" },
  { name: "falsePositiveUsd", label: "False positive" },
  { name: "trueNegativeUsd", label: "True negative" },
  { name: "falseNegativeUsd", label: "False negative" },
];
const ALL_FIELDS = [...COST_FIELDS.map((field) => field.name), ...CELL_FIELDS.map((field) => field.name), "scaleInput", "baseline"];

/** The model's running costs and decision-value matrix: editable by the committee and admins, read-only for everyone else. */
export function CostSettingsForm({
  modelSlug,
  settings,
  matrix,
  numericInputs,
  editable,
  save,
}: {
  modelSlug: string;
  settings: TCostSettings;
  matrix: TValueMatrix;
  /** Numeric inputs of the champion's schema, which a cell value may be scaled by. */
  numericInputs: string[];
  editable: boolean;
  save: (input: Record<string, string>) => Promise<TActionResult>;
}) {
  const router = useRouter();
  const saving = useAction(save, {
    successMessage: "Cost settings saved; the figures above use them.",
    shownFields: ALL_FIELDS,
    onSuccess: () => router.refresh(),
  });
  const unit = matrix.scaleInput ? `× ${matrix.scaleInput}` : "USD";
  if (!editable) {
    return (
      <dl className="facts">
        {COST_FIELDS.map((field) => (
          <div key={field.name}>
            <dt>{field.label}</dt>
            <dd>
              {settings[field.name].toLocaleString("en-US")} {field.unit}
            </dd>
          </div>
        ))}
        {CELL_FIELDS.map((field) => (
          <div key={field.name}>
            <dt>Value of a {field.label.toLowerCase()}</dt>
            <dd>
              {matrix[field.name].toLocaleString("en-US")} {unit}
            </dd>
          </div>
        ))}
        <div>
          <dt>Baseline</dt>
          <dd>{BASELINE_LABELS[matrix.baseline]}</dd>
        </div>
      </dl>
    );
  }
  return (
    <form
      aria-label="Cost settings"
      action={(form) => saving.run({ modelSlug, ...Object.fromEntries(ALL_FIELDS.map((name) => [name, String(form.get(name) ?? "")])) })}
    >
      <div style={{ display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(200px, 1fr))", columnGap: 12 }}>
        {COST_FIELDS.map((field) => (
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
      <fieldset style={{ border: 0, padding: 0, margin: "8px 0 0" }}>
        <legend style={{ fontWeight: 600 }}>Decision-value matrix</legend>
        <p className="muted" style={{ margin: "4px 0 8px", fontSize: 13 }}>
          What one decision is worth (negative: a loss). Positive is the model&apos;s positive label. With a scaling input, each value is
          multiplied by that input of the prediction (a loan: true negative = interest margin, false negative = −loss given default).
        </p>
        <div style={{ display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(200px, 1fr))", columnGap: 12 }}>
          {CELL_FIELDS.map((field) => (
            <Field
              key={field.name}
              label={`Value of a ${field.label.toLowerCase()}`}
              hint={matrix.scaleInput ? `USD per unit of the scaling input` : "USD"}
              name={field.name}
              type="number"
              step="any"
              defaultValue={matrix[field.name]}
              required
              error={saving.fieldError(field.name)}
            />
          ))}
          <SelectField
            label="Scale each value by"
            name="scaleInput"
            defaultValue={matrix.scaleInput ?? ""}
            options={[{ value: "", label: "Nothing (flat USD)" }, ...numericInputs]}
            error={saving.fieldError("scaleInput")}
          />
          <SelectField
            label="Baseline policy"
            name="baseline"
            defaultValue={matrix.baseline}
            options={BASELINE_POLICIES.map((policy) => ({ value: policy, label: BASELINE_LABELS[policy] }))}
            error={saving.fieldError("baseline")}
          />
        </div>
      </fieldset>
      <ActionCallout state={saving.state} label="Cost settings result" />
      <button type="submit" className="button primary" disabled={saving.pending}>
        {saving.pending ? "Saving…" : "Save cost settings"}
      </button>
    </form>
  );
}

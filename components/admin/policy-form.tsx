"use client";

import { ActionCallout } from "@/components/ui/action-callout";
import { Field, SelectField } from "@/components/ui/field";
import { useAction } from "@/components/ui/use-action";
import type { TPolicy } from "@/lib/governance/policy";
import type { TActionResult } from "@/lib/types/action";

const FIELDS: Array<[path: string, label: string, step: string]> = [
  ["minRocAuc", "Minimum ROC AUC", "0.01"],
  ["maxCalibrationError", "Maximum calibration error", "0.005"],
  ["minDisparateImpact", "Minimum disparate impact", "0.01"],
  ["maxDriftedFeatureShare", "Maximum drifted-feature share", "0.05"],
  ["minCardCompleteness", "Minimum card completeness", "0.1"],
  ["requiredApprovals", "Approvals required", "1"],
  ["canaryGuard.minRequests", "Canary guard: requests before judging", "1"],
  ["canaryGuard.maxErrorRateIncrease", "Canary guard: max error-rate increase", "0.001"],
  ["canaryGuard.maxLatencyP99Ratio", "Canary guard: max p99 latency ratio", "0.1"],
  ["canaryGuard.maxConfidenceDrop", "Canary guard: max confidence drop", "0.01"],
  ["canaryGuard.maxPerformanceDrop", "Canary guard: max performance drop", "0.01"],
];

const read = (policy: TPolicy, path: string) =>
  path.split(".").reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], policy) as number;

/** The policy of one risk tier as a form; the server validates it again with the same zod schema. */
export function PolicyForm({
  tier,
  policy,
  save,
}: {
  tier: string;
  policy: TPolicy;
  save: (input: { tier: string; policy: unknown }) => Promise<TActionResult>;
}) {
  const saving = useAction(save, { successMessage: "Policy saved." });
  function submit(form: FormData) {
    const next: Record<string, unknown> = { canaryGuard: {} };
    for (const [path] of FIELDS) {
      const value = Number(form.get(path));
      if (path.startsWith("canaryGuard.")) (next.canaryGuard as Record<string, number>)[path.slice(12)] = value;
      else next[path] = value;
    }
    next.fairnessNotApplicable = form.get("fairnessNotApplicable");
    next.requiredStages = form.get("requiredStages");
    saving.run({ tier, policy: next });
  }
  return (
    <form className="card" aria-label={`Policy for ${tier} risk`} action={submit}>
      <h2 style={{ textTransform: "capitalize" }}>{tier} risk</h2>
      {FIELDS.map(([path, label, step]) => (
        <Field key={path} label={label} name={path} type="number" step={step} min={0} defaultValue={read(policy, path)} required />
      ))}
      <SelectField
        label="Fairness gate without a sensitive attribute"
        name="fairnessNotApplicable"
        defaultValue={policy.fairnessNotApplicable}
        options={[
          { value: "accept", label: "Accept" },
          { value: "justify", label: "Accept with the requester's justification" },
          { value: "refuse", label: "Refuse the version" },
        ]}
        required
      />
      <SelectField
        label="Stages before promotion (when there is a champion)"
        name="requiredStages"
        defaultValue={policy.requiredStages}
        options={[
          { value: "none", label: "None: promote directly" },
          { value: "shadow", label: "Shadow first" },
          { value: "canary", label: "Canary first" },
          { value: "shadow_and_canary", label: "Shadow, then canary" },
        ]}
        required
      />
      <ActionCallout state={saving.state} label={`Policy ${tier} result`} />
      <button type="submit" className="button primary" disabled={saving.pending}>
        {saving.pending ? "Saving…" : `Save ${tier} policy`}
      </button>
    </form>
  );
}

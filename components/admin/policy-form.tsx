"use client";

import { useState, useTransition } from "react";
import type { TPolicy } from "@/lib/governance/policy";

type TResult = { ok: true } | { ok: false; message: string; fieldErrors?: Record<string, string[] | undefined> };

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

const read = (policy: TPolicy, path: string) => path.split(".").reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], policy) as number;

/** The policy of one risk tier as a form; the server validates it again with the same zod schema. */
export function PolicyForm({ tier, policy, save }: { tier: string; policy: TPolicy; save: (input: { tier: string; policy: unknown }) => Promise<TResult> }) {
  const [message, setMessage] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <form
      className="card"
      aria-label={`Policy for ${tier} risk`}
      action={(form) =>
        startTransition(async () => {
          const next: Record<string, unknown> = { canaryGuard: {} };
          for (const [path] of FIELDS) {
            const value = Number(form.get(path));
            if (path.startsWith("canaryGuard.")) (next.canaryGuard as Record<string, number>)[path.slice(12)] = value;
            else next[path] = value;
          }
          const result = await save({ tier, policy: next });
          setMessage(result.ok ? { tone: "success", text: "Policy saved." } : { tone: "error", text: result.fieldErrors ? Object.entries(result.fieldErrors).map(([field, errors]) => `${field}: ${errors?.join(", ")}`).join("; ") : result.message });
        })
      }
    >
      <h2 style={{ textTransform: "capitalize" }}>{tier} risk</h2>
      {FIELDS.map(([path, label, step]) => (
        <div className="field" key={path}>
          <label htmlFor={`${tier}-${path}`}>{label}</label>
          <input id={`${tier}-${path}`} name={path} type="number" step={step} min={0} defaultValue={read(policy, path)} required />
        </div>
      ))}
      {message ? <p className={`callout ${message.tone}`} role={message.tone === "error" ? "alert" : "status"} aria-label={`Policy ${tier} result`}>{message.text}</p> : null}
      <button type="submit" className="button primary" disabled={pending}>{pending ? "Saving…" : `Save ${tier} policy`}</button>
    </form>
  );
}

"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import type { TActionResult } from "@/components/governance/action-dialog";

export type TRuleRow = {
  id: string; name: string; metric: string; feature: string; groupName: string; comparison: string; threshold: number; resolveThreshold: number | null;
  windowGranularity: string; severity: string; consecutiveWindows: number; triggersRetraining: boolean; enabled: boolean;
};
export type TChannelRow = { kind: "webhook" | "retraining"; host: string };

const COMPARISON = { gt: ">", gte: "≥", lt: "<", lte: "≤" } as Record<string, string>;
const RESOLVE = { gt: "≤", gte: "≤", lt: "≥", lte: "≥" } as Record<string, string>;
const METRICS = [
  "drift.wasserstein_normed", "drift.jensenshannon", "drift.drifted_share", "prediction_drift.score_jensenshannon", "prediction_drift.mean_confidence",
  "performance.roc_auc", "performance.estimated_roc_auc", "performance.accuracy", "performance.estimated_accuracy", "performance.ece",
  "fairness.disparate_impact", "fairness.favourable_rate", "fairness.tpr", "fairness.fpr", "latency.p99_ms", "latency.p95_ms", "volume.predictions",
];

type TProps = {
  modelSlug: string; rules: TRuleRow[]; channels: TChannelRow[]; editable: boolean;
  toggle: (input: { modelSlug: string; id: string; enabled: boolean }) => Promise<TActionResult>;
  create: (input: { modelSlug: string; rule: Record<string, unknown> }) => Promise<TActionResult>;
  saveChannels: (input: { modelSlug: string; webhookUrl: string; retrainingUrl: string; removeWebhook: boolean; removeRetraining: boolean }) => Promise<TActionResult>;
};

/** Alert rules of a model (with hysteresis and sustained windows) and where alerts go. */
export function AlertRulesPanel({ modelSlug, rules, channels, editable, toggle, create, saveChannels }: TProps) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<{ tone: "success" | "error"; text: string; fields?: Record<string, string[] | undefined> } | null>(null);
  const run = (action: () => Promise<TActionResult>, success: string, after?: () => void) =>
    startTransition(async () => {
      const result = await action();
      setMessage(result.ok ? { tone: "success", text: success } : { tone: "error", text: result.message, fields: result.fieldErrors });
      if (result.ok) {
        after?.();
        router.refresh();
      }
    });
  const fieldError = (name: string) => message?.fields?.[name]?.[0] ?? message?.fields?.[`rule.${name}`]?.[0];
  const channel = (kind: TChannelRow["kind"]) => channels.find((entry) => entry.kind === kind);

  return (
    <div className="stack">
      {message ? <p className={`callout ${message.tone}`} role={message.tone === "error" ? "alert" : "status"} aria-label="Alert settings result">{message.text}</p> : null}
      {rules.length === 0 ? <EmptyState title="No alert rules yet">Default rules are created the first time the model&apos;s traffic is monitored.</EmptyState> : (
        <div className="table-wrap">
          <table className="table" aria-label="Alert rules">
            <thead><tr><th scope="col">Rule</th><th scope="col">Metric</th><th scope="col">Fires when</th><th scope="col">Window</th><th scope="col">Severity</th><th scope="col">State</th></tr></thead>
            <tbody>
              {rules.map((rule) => (
                <tr key={rule.id}>
                  <td><strong>{rule.name}</strong>{rule.triggersRetraining ? <div className="muted">calls the retraining webhook</div> : null}</td>
                  <td className="mono">{rule.metric}{rule.feature ? ` · ${rule.feature}` : ""}{rule.groupName ? ` · ${rule.groupName}` : ""}</td>
                  <td>{COMPARISON[rule.comparison]} {rule.threshold}{rule.resolveThreshold !== null ? <span className="muted">; resolves at {RESOLVE[rule.comparison]} {rule.resolveThreshold}</span> : null}</td>
                  <td>{rule.consecutiveWindows > 1 ? `${rule.consecutiveWindows} ${rule.windowGranularity}s in a row` : `one ${rule.windowGranularity}`}</td>
                  <td><Badge tone={rule.severity === "critical" ? "bad" : rule.severity === "warning" ? "warn" : "info"}>{rule.severity}</Badge></td>
                  <td>
                    {editable ? (
                      <button type="button" className="button" disabled={pending} aria-label={`${rule.enabled ? "Disable" : "Enable"} ${rule.name}`}
                        onClick={() => run(() => toggle({ modelSlug, id: rule.id, enabled: !rule.enabled }), `${rule.name} ${rule.enabled ? "disabled" : "enabled"}.`)}>
                        {rule.enabled ? "Enabled · disable" : "Disabled · enable"}
                      </button>
                    ) : rule.enabled ? "enabled" : "disabled"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <div className="grid-2">
        <section aria-labelledby="channels-heading">
          <h3 id="channels-heading">Where alerts go</h3>
          <dl className="facts">
            <div><dt>Webhook (Slack-compatible)</dt><dd>{channel("webhook") ? <>set · {channel("webhook")!.host}</> : "none"}</dd></div>
            <div><dt>Retraining webhook</dt><dd>{channel("retraining") ? <>set · {channel("retraining")!.host}</> : "none"}</dd></div>
          </dl>
          {editable ? (
            <form aria-label="Alert channels" action={(form) => run(() => saveChannels({
              modelSlug, webhookUrl: String(form.get("webhookUrl") ?? "").trim(), retrainingUrl: String(form.get("retrainingUrl") ?? "").trim(),
              removeWebhook: form.get("removeWebhook") === "on", removeRetraining: form.get("removeRetraining") === "on",
            }), "Alert channels saved.")}>
              <div className="field">
                <label htmlFor="webhook-url">New webhook URL</label>
                <input id="webhook-url" name="webhookUrl" type="url" placeholder="https://hooks.slack.com/services/…" aria-describedby="channels-help" aria-invalid={Boolean(fieldError("webhookUrl"))} />
                {fieldError("webhookUrl") ? <span className="error" role="alert">{fieldError("webhookUrl")}</span> : null}
              </div>
              <label className="checkbox-row"><input type="checkbox" name="removeWebhook" /> Remove the webhook</label>
              <div className="field">
                <label htmlFor="retraining-url">New retraining webhook URL</label>
                <input id="retraining-url" name="retrainingUrl" type="url" placeholder="https://ci.example.com/hooks/retrain" aria-describedby="channels-help" aria-invalid={Boolean(fieldError("retrainingUrl"))} />
                {fieldError("retrainingUrl") ? <span className="error" role="alert">{fieldError("retrainingUrl")}</span> : null}
              </div>
              <label className="checkbox-row"><input type="checkbox" name="removeRetraining" /> Remove the retraining webhook</label>
              <p id="channels-help" className="muted">Leave a field blank to keep the current URL. Stored URLs are never shown (they carry tokens). The retraining hook is only called; it never promotes anything.</p>
              <button type="submit" className="button" disabled={pending}>Save channels</button>
            </form>
          ) : null}
        </section>

        {editable ? (
          <section aria-labelledby="new-rule-heading">
            <h3 id="new-rule-heading">Add a rule</h3>
            <form aria-label="New alert rule" action={(form) => run(() => create({ modelSlug, rule: {
              name: String(form.get("name") ?? ""), metric: String(form.get("metric") ?? ""), feature: String(form.get("feature") ?? "").trim(), groupName: String(form.get("groupName") ?? "").trim(),
              comparison: String(form.get("comparison") ?? ""), threshold: String(form.get("threshold") ?? ""), resolveThreshold: String(form.get("resolveThreshold") ?? ""),
              windowGranularity: String(form.get("windowGranularity") ?? "hour"), consecutiveWindows: String(form.get("consecutiveWindows") ?? "1"),
              severity: String(form.get("severity") ?? "warning"), triggersRetraining: form.get("triggersRetraining") === "on",
            } }), "Rule added.")}>
              <div className="field"><label htmlFor="rule-name">Name</label><input id="rule-name" name="name" required maxLength={120} aria-invalid={Boolean(fieldError("name"))} />{fieldError("name") ? <span className="error" role="alert">{fieldError("name")}</span> : null}</div>
              <div className="field"><label htmlFor="rule-metric">Metric</label><select id="rule-metric" name="metric">{METRICS.map((metric) => <option key={metric}>{metric}</option>)}</select></div>
              <div style={{ display: "grid", gridTemplateColumns: "repeat(2, minmax(0, 1fr))", columnGap: 12 }}>
                <div className="field"><label htmlFor="rule-feature">Feature (drift rules)</label><input id="rule-feature" name="feature" placeholder="annual_income_usd" /></div>
                <div className="field"><label htmlFor="rule-group">Attribute or group (fairness rules)</label><input id="rule-group" name="groupName" placeholder="age_band or age_band=under_25" /></div>
                <div className="field"><label htmlFor="rule-comparison">Fires when the value is</label><select id="rule-comparison" name="comparison" defaultValue="gte"><option value="gt">above</option><option value="gte">at or above</option><option value="lt">below</option><option value="lte">at or below</option></select></div>
                <div className="field"><label htmlFor="rule-threshold">Threshold</label><input id="rule-threshold" name="threshold" inputMode="decimal" required aria-invalid={Boolean(fieldError("threshold"))} />{fieldError("threshold") ? <span className="error" role="alert">{fieldError("threshold")}</span> : null}</div>
                <div className="field"><label htmlFor="rule-resolve">Resolves at (hysteresis, optional)</label><input id="rule-resolve" name="resolveThreshold" inputMode="decimal" aria-invalid={Boolean(fieldError("resolveThreshold"))} />{fieldError("resolveThreshold") ? <span className="error" role="alert">{fieldError("resolveThreshold")}</span> : null}</div>
                <div className="field"><label htmlFor="rule-windows">Windows in a row</label><input id="rule-windows" name="consecutiveWindows" type="number" min={1} max={48} defaultValue={1} /></div>
                <div className="field"><label htmlFor="rule-granularity">Window</label><select id="rule-granularity" name="windowGranularity"><option value="hour">hour</option><option value="day">day</option></select></div>
                <div className="field"><label htmlFor="rule-severity">Severity</label><select id="rule-severity" name="severity" defaultValue="warning"><option>info</option><option>warning</option><option>critical</option></select></div>
              </div>
              <label className="checkbox-row"><input type="checkbox" name="triggersRetraining" /> Call the retraining webhook when it fires</label>
              <button type="submit" className="button primary" disabled={pending}>{pending ? "Saving…" : "Add rule"}</button>
            </form>
          </section>
        ) : null}
      </div>
    </div>
  );
}

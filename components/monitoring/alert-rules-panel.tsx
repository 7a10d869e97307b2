"use client";

import { useRouter } from "next/navigation";
import { ActionCallout } from "@/components/ui/action-callout";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { Field, SelectField } from "@/components/ui/field";
import { useAction } from "@/components/ui/use-action";
import { DEFAULT_CONSECUTIVE_WINDOWS } from "@/lib/monitoring/alert-rules";
import type { TActionResult } from "@/lib/types/action";

type TRuleRow = {
  id: string;
  name: string;
  metric: string;
  feature: string;
  groupName: string;
  comparison: string;
  threshold: number;
  resolveThreshold: number | null;
  windowGranularity: string;
  severity: string;
  consecutiveWindows: number;
  triggersRetraining: boolean;
  enabled: boolean;
  evidence?: "bound" | "estimate";
};
export type TChannelRow = { kind: "webhook" | "retraining"; host: string };

const COMPARISON = { gt: ">", gte: "≥", lt: "<", lte: "≤" } as Record<string, string>;
const RESOLVE = { gt: "≤", gte: "≤", lt: "≥", lte: "≥" } as Record<string, string>;
const METRICS = [
  "drift.wasserstein_normed",
  "drift.jensenshannon",
  "drift.drifted_share",
  "prediction_drift.score_jensenshannon",
  "prediction_drift.mean_confidence",
  "performance.roc_auc",
  "performance.estimated_roc_auc",
  "performance.accuracy",
  "performance.estimated_accuracy",
  "performance.ece",
  "fairness.disparate_impact",
  "fairness.favourable_rate",
  "fairness.tpr",
  "fairness.fpr",
  "latency.p99_ms",
  "latency.p95_ms",
  "volume.predictions",
];
const COMPARISON_OPTIONS = [
  { value: "gt", label: "above" },
  { value: "gte", label: "at or above" },
  { value: "lt", label: "below" },
  { value: "lte", label: "at or below" },
];
const SHOWN_FIELDS = ["name", "threshold", "resolveThreshold", "webhookUrl", "retrainingUrl"];

type TProps = {
  modelSlug: string;
  rules: TRuleRow[];
  channels: TChannelRow[];
  editable: boolean;
  toggle: (input: { modelSlug: string; id: string; enabled: boolean }) => Promise<TActionResult>;
  create: (input: { modelSlug: string; rule: Record<string, unknown> }) => Promise<TActionResult>;
  saveChannels: (input: {
    modelSlug: string;
    webhookUrl: string;
    retrainingUrl: string;
    removeWebhook: boolean;
    removeRetraining: boolean;
  }) => Promise<TActionResult>;
};

/** Alert rules of a model (with hysteresis and sustained windows) and where alerts go. */
export function AlertRulesPanel({ modelSlug, rules, channels, editable, toggle, create, saveChannels }: TProps) {
  const router = useRouter();
  // The three forms share one result callout, so one hook runs whichever action was used.
  const settings = useAction((action: () => Promise<TActionResult>) => action(), {
    shownFields: SHOWN_FIELDS,
    onSuccess: () => router.refresh(),
  });
  const { pending, fieldError } = settings;
  const run = (action: () => Promise<TActionResult>, successMessage: string) => settings.run(action, { successMessage });
  const channel = (kind: TChannelRow["kind"]) => channels.find((entry) => entry.kind === kind);

  return (
    <div className="stack">
      <ActionCallout state={settings.state} label="Alert settings result" />
      {rules.length === 0 ? (
        <EmptyState title="No alert rules yet">Default rules are created the first time the model&apos;s traffic is monitored.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" aria-label="Alert rules">
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Metric</th>
                <th scope="col">Fires when</th>
                <th scope="col">Window</th>
                <th scope="col">Severity</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {rules.map((rule) => (
                <tr key={rule.id}>
                  <td>
                    <strong>{rule.name}</strong>
                    {rule.triggersRetraining ? <div className="muted">calls the retraining webhook</div> : null}
                  </td>
                  <td className="mono">
                    {rule.metric}
                    {rule.feature ? ` · ${rule.feature}` : ""}
                    {rule.groupName ? ` · ${rule.groupName}` : ""}
                  </td>
                  <td>
                    {COMPARISON[rule.comparison]} {rule.threshold}
                    {rule.resolveThreshold !== null ? (
                      <span className="muted">
                        ; resolves at {RESOLVE[rule.comparison]} {rule.resolveThreshold}
                      </span>
                    ) : null}
                  </td>
                  <td>
                    {rule.consecutiveWindows > 1
                      ? `${rule.consecutiveWindows} ${rule.windowGranularity}s in a row`
                      : `one ${rule.windowGranularity}`}
                    {/* Which figure counts: the bound past the threshold (supported), or the estimate alone. */}
                    <div className="muted">{rule.evidence === "estimate" ? "estimate past the threshold" : "bound past the threshold"}</div>
                  </td>
                  <td>
                    <Badge tone={rule.severity === "critical" ? "bad" : rule.severity === "warning" ? "warn" : "info"}>
                      {rule.severity}
                    </Badge>
                  </td>
                  <td>
                    {editable ? (
                      <button
                        type="button"
                        className="button"
                        disabled={pending}
                        aria-label={`${rule.enabled ? "Disable" : "Enable"} ${rule.name}`}
                        onClick={() =>
                          run(
                            () => toggle({ modelSlug, id: rule.id, enabled: !rule.enabled }),
                            `${rule.name} ${rule.enabled ? "disabled" : "enabled"}.`,
                          )
                        }
                      >
                        {rule.enabled ? "Enabled · disable" : "Disabled · enable"}
                      </button>
                    ) : rule.enabled ? (
                      "enabled"
                    ) : (
                      "disabled"
                    )}
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
            <div>
              <dt>Webhook (Slack-compatible)</dt>
              <dd>{channel("webhook") ? <>set · {channel("webhook")!.host}</> : "none"}</dd>
            </div>
            <div>
              <dt>Retraining webhook</dt>
              <dd>{channel("retraining") ? <>set · {channel("retraining")!.host}</> : "none"}</dd>
            </div>
          </dl>
          {editable ? (
            <form
              aria-label="Alert channels"
              action={(form) =>
                run(
                  () =>
                    saveChannels({
                      modelSlug,
                      webhookUrl: String(form.get("webhookUrl") ?? "").trim(),
                      retrainingUrl: String(form.get("retrainingUrl") ?? "").trim(),
                      removeWebhook: form.get("removeWebhook") === "on",
                      removeRetraining: form.get("removeRetraining") === "on",
                    }),
                  "Alert channels saved.",
                )
              }
            >
              <Field
                label="New webhook URL"
                name="webhookUrl"
                type="url"
                placeholder="https://hooks.slack.com/services/…"
                aria-describedby="channels-help"
                error={fieldError("webhookUrl")}
              />
              <label className="checkbox-row">
                <input type="checkbox" name="removeWebhook" /> Remove the webhook
              </label>
              <Field
                label="New retraining webhook URL"
                name="retrainingUrl"
                type="url"
                placeholder="https://ci.example.com/hooks/retrain"
                aria-describedby="channels-help"
                error={fieldError("retrainingUrl")}
              />
              <label className="checkbox-row">
                <input type="checkbox" name="removeRetraining" /> Remove the retraining webhook
              </label>
              <p id="channels-help" className="muted">
                Leave a field blank to keep the current URL. Stored URLs are never shown (they carry tokens). The retraining hook is only
                called; it never promotes anything.
              </p>
              <button type="submit" className="button" disabled={pending}>
                Save channels
              </button>
            </form>
          ) : null}
        </section>

        {editable ? (
          <section aria-labelledby="new-rule-heading">
            <h3 id="new-rule-heading">Add a rule</h3>
            <form
              aria-label="New alert rule"
              action={(form) =>
                run(
                  () =>
                    create({
                      modelSlug,
                      rule: {
                        name: String(form.get("name") ?? ""),
                        metric: String(form.get("metric") ?? ""),
                        feature: String(form.get("feature") ?? "").trim(),
                        groupName: String(form.get("groupName") ?? "").trim(),
                        comparison: String(form.get("comparison") ?? ""),
                        threshold: String(form.get("threshold") ?? ""),
                        resolveThreshold: String(form.get("resolveThreshold") ?? ""),
                        windowGranularity: String(form.get("windowGranularity") ?? "hour"),
                        consecutiveWindows: String(form.get("consecutiveWindows") ?? DEFAULT_CONSECUTIVE_WINDOWS),
                        severity: String(form.get("severity") ?? "warning"),
                        triggersRetraining: form.get("triggersRetraining") === "on",
                      },
                    }),
                  "Rule added.",
                )
              }
            >
              <Field label="Name" name="name" required maxLength={120} error={fieldError("name")} />
              <SelectField label="Metric" name="metric" options={METRICS} />
              <div style={{ display: "grid", gridTemplateColumns: "repeat(2, minmax(0, 1fr))", columnGap: 12 }}>
                <Field label="Feature (drift rules)" name="feature" placeholder="annual_income_usd" />
                <Field label="Attribute or group (fairness rules)" name="groupName" placeholder="age_band or age_band=under_25" />
                <SelectField label="Fires when the value is" name="comparison" defaultValue="gte" options={COMPARISON_OPTIONS} />
                <Field label="Threshold" name="threshold" inputMode="decimal" required error={fieldError("threshold")} />
                <Field
                  label="Resolves at (hysteresis, optional)"
                  name="resolveThreshold"
                  inputMode="decimal"
                  error={fieldError("resolveThreshold")}
                />
                <Field
                  label="Windows in a row"
                  hint="each complete, with ≥ 500 predictions and its bound past the threshold"
                  name="consecutiveWindows"
                  type="number"
                  min={1}
                  max={48}
                  defaultValue={DEFAULT_CONSECUTIVE_WINDOWS}
                />
                <SelectField label="Window" name="windowGranularity" options={["hour", "day"]} />
                <SelectField label="Severity" name="severity" defaultValue="warning" options={["info", "warning", "critical"]} />
              </div>
              <label className="checkbox-row">
                <input type="checkbox" name="triggersRetraining" /> Call the retraining webhook when it fires
              </label>
              <button type="submit" className="button primary" disabled={pending}>
                {pending ? "Saving…" : "Add rule"}
              </button>
            </form>
          </section>
        ) : null}
      </div>
    </div>
  );
}

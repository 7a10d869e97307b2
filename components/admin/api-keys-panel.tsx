"use client";

import { useState, useTransition } from "react";
import { formatDateTime } from "@/lib/format";
import { Badge } from "@/components/ui/badge";

type TKey = { id: string; name: string; keyPrefix: string; scopes: string[]; modelIds: string[] | null; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null };
type TResult<T> = { ok: true; data: T } | { ok: false; message: string; fieldErrors?: Record<string, string[] | undefined> };

const SCOPES = [
  ["predict", "Predict"],
  ["outcomes", "Send outcomes"],
  ["registry", "Register models"],
  ["kpis", "Send KPIs"],
  ["read", "Read"],
] as const;

export function ApiKeysPanel({ keys, models, create, revoke }: {
  keys: TKey[];
  models: Array<{ id: string; slug: string }>;
  create: (input: { name: string; scopes: string[]; modelIds: string[] | null }) => Promise<TResult<{ id: string; key: string }>>;
  revoke: (input: { id: string }) => Promise<TResult<{ id: string }>>;
}) {
  const [pending, startTransition] = useTransition();
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  function onCreate(form: FormData) {
    const modelId = String(form.get("model") ?? "");
    startTransition(async () => {
      setError(null);
      const result = await create({ name: String(form.get("name") ?? ""), scopes: form.getAll("scopes").map(String), modelIds: modelId ? [modelId] : null });
      if (result.ok) setCreated(result.data.key);
      else setError(result.fieldErrors ? Object.entries(result.fieldErrors).map(([field, messages]) => `${field}: ${messages?.join(", ")}`).join("; ") : result.message);
    });
  }

  return (
    <div className="stack">
      <form action={onCreate} className="card" aria-label="Create an API key">
        <h2>New API key</h2>
        {error ? <p className="callout error" role="alert" aria-label="API key error">{error}</p> : null}
        {created ? (
          <div className="callout success" role="status" aria-label="New API key">
            Copy this key now; it is not shown again: <code data-testid="new-api-key">{created}</code>
          </div>
        ) : null}
        <div className="filter-bar" style={{ padding: 0 }}>
          <div className="field">
            <label htmlFor="key-name">Name</label>
            <input id="key-name" name="name" required minLength={3} placeholder="Loan-origination service" />
          </div>
          <div className="field">
            <label htmlFor="key-model">Model</label>
            <select id="key-model" name="model" defaultValue="">
              <option value="">Every model</option>
              {models.map((model) => <option key={model.id} value={model.id}>{model.slug}</option>)}
            </select>
          </div>
          <fieldset className="checkbox-row" style={{ border: 0, padding: 0, margin: "0 0 14px" }}>
            <legend className="muted" style={{ fontSize: 13, marginBottom: 4 }}>Scopes</legend>
            {SCOPES.map(([value, label]) => (
              <label key={value}><input type="checkbox" name="scopes" value={value} defaultChecked={value === "predict"} /> {label}</label>
            ))}
          </fieldset>
          <button type="submit" className="button primary" disabled={pending} style={{ marginBottom: 14 }}>{pending ? "Creating…" : "Create key"}</button>
        </div>
      </form>
      <div className="table-wrap">
        <table className="table" aria-label="API keys">
          <thead><tr><th scope="col">Name</th><th scope="col">Key</th><th scope="col">Scopes</th><th scope="col">Models</th><th scope="col">Last used</th><th scope="col"></th></tr></thead>
          <tbody>
            {keys.length === 0 ? <tr><td colSpan={6} className="muted">No API keys yet.</td></tr> : null}
            {keys.map((key) => (
              <tr key={key.id}>
                <td>{key.name}<div className="muted">created {formatDateTime(key.createdAt)}</div></td>
                <td className="mono">{key.keyPrefix}…</td>
                <td>{key.scopes.join(", ")}</td>
                <td>{key.modelIds ? key.modelIds.map((id) => models.find((model) => model.id === id)?.slug ?? id.slice(0, 8)).join(", ") : "every model"}</td>
                <td className="muted">{formatDateTime(key.lastUsedAt)}</td>
                <td>
                  {key.revokedAt ? <Badge tone="bad">revoked</Badge> : (
                    <button type="button" className="button" disabled={pending} onClick={() => {
                      if (!window.confirm(`Revoke "${key.name}"? Applications using it stop working within 30 seconds.`)) return;
                      startTransition(async () => {
                        const result = await revoke({ id: key.id });
                        if (!result.ok) setError(result.message);
                      });
                    }}>Revoke</button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

"use client";

import { formatDateTime } from "@/lib/format";
import { Badge } from "@/components/ui/badge";
import { Field, SelectField } from "@/components/ui/field";
import { useAction } from "@/components/ui/use-action";
import type { TActionResult } from "@/lib/types/action";
import type { TApiKeyListItem } from "@/lib/types/users";

const SCOPES = [
  ["predict", "Predict"],
  ["outcomes", "Send outcomes"],
  ["registry", "Register models"],
  ["kpis", "Send KPIs"],
  ["read", "Read"],
] as const;

export function ApiKeysPanel({
  keys,
  models,
  create,
  revoke,
}: {
  keys: TApiKeyListItem[];
  models: Array<{ id: string; slug: string }>;
  create: (input: { name: string; scopes: string[]; modelIds: string[] | null }) => Promise<TActionResult<{ id: string; key: string }>>;
  revoke: (input: { id: string }) => Promise<TActionResult>;
}) {
  const creating = useAction(create, { shownFields: ["name"] });
  const revoking = useAction(revoke);
  const pending = creating.pending || revoking.pending;
  const created = creating.state?.ok ? creating.state.data.key : null;
  const error = revoking.error ?? creating.error;

  function onCreate(form: FormData) {
    const modelId = String(form.get("model") ?? "");
    revoking.reset();
    creating.run({ name: String(form.get("name") ?? ""), scopes: form.getAll("scopes").map(String), modelIds: modelId ? [modelId] : null });
  }

  return (
    <div className="stack">
      <form action={onCreate} className="card" aria-label="Create an API key">
        <h2>New API key</h2>
        {error ? (
          <p className="callout error" role="alert" aria-label="API key error">
            {error}
          </p>
        ) : null}
        {created ? (
          <div className="callout success" role="status" aria-label="New API key">
            Copy this key now; it is not shown again: <code data-testid="new-api-key">{created}</code>
          </div>
        ) : null}
        <div className="filter-bar" style={{ padding: 0 }}>
          <Field
            label="Name"
            name="name"
            required
            minLength={3}
            placeholder="Loan-origination service"
            error={creating.fieldError("name")}
          />
          <SelectField
            label="Model"
            name="model"
            defaultValue=""
            options={[{ value: "", label: "Every model" }, ...models.map((model) => ({ value: model.id, label: model.slug }))]}
          />
          <fieldset className="checkbox-row" style={{ border: 0, padding: 0, margin: "0 0 14px" }}>
            <legend className="muted" style={{ fontSize: 13, marginBottom: 4 }}>
              Scopes
            </legend>
            {SCOPES.map(([value, label]) => (
              <label key={value}>
                <input type="checkbox" name="scopes" value={value} defaultChecked={value === "predict"} /> {label}
              </label>
            ))}
          </fieldset>
          <button type="submit" className="button primary" disabled={pending} style={{ marginBottom: 14 }}>
            {pending ? "Creating…" : "Create key"}
          </button>
        </div>
      </form>
      <div className="table-wrap">
        <table className="table" aria-label="API keys">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Scopes</th>
              <th scope="col">Models</th>
              <th scope="col">Last used</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {keys.length === 0 ? (
              <tr>
                <td colSpan={6} className="muted">
                  No API keys yet.
                </td>
              </tr>
            ) : null}
            {keys.map((key) => (
              <tr key={key.id}>
                <td>
                  {key.name}
                  <div className="muted">created {formatDateTime(key.createdAt)}</div>
                </td>
                <td className="mono">{key.keyPrefix}…</td>
                <td>{key.scopes.join(", ")}</td>
                <td>
                  {key.modelIds
                    ? key.modelIds.map((id) => models.find((model) => model.id === id)?.slug ?? id.slice(0, 8)).join(", ")
                    : "every model"}
                </td>
                <td className="muted">{formatDateTime(key.lastUsedAt)}</td>
                <td>
                  {key.revokedAt ? (
                    <Badge tone="bad">revoked</Badge>
                  ) : (
                    <button
                      type="button"
                      className="button"
                      disabled={pending}
                      onClick={() => {
                        if (!window.confirm(`Revoke "${key.name}"? Applications using it stop working within 30 seconds.`)) return;
                        revoking.run({ id: key.id });
                      }}
                    >
                      Revoke
                    </button>
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

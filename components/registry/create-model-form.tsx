"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

type TResult = { ok: true; data: { slug: string } } | { ok: false; message: string };
type TModelFields = { slug: string; displayName: string; description: string; riskTier: string; useCase: string; businessKpi: string };

/** Creates a model, or edits one when `existing` is given (its slug is fixed). */
export function CreateModelForm({ create, existing }: { create: (input: Record<string, string>) => Promise<TResult>; existing?: TModelFields }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <form
      className="card"
      style={{ maxWidth: 720 }}
      aria-label={existing ? "Edit model" : "New model"}
      action={(form) =>
        startTransition(async () => {
          setError(null);
          const fields = Object.fromEntries([...form.entries()].map(([key, value]) => [key, String(value)]));
          const result = await create(existing ? { ...fields, slug: existing.slug } : fields);
          if (result.ok) router.push(`/models/${result.data.slug}`);
          else setError(result.message);
        })
      }
    >
      {error ? <p className="callout error" role="alert" aria-label="Model error">{error}</p> : null}
      {existing ? null : (
        <div className="field">
          <label htmlFor="slug">Name (slug)</label>
          <input id="slug" name="slug" required pattern="[a-z][a-z0-9]*(-[a-z0-9]+)*" placeholder="fraud-score" aria-describedby="slug-hint" />
          <span id="slug-hint" className="hint">Lowercase words joined by hyphens; used in URLs and the API. It cannot change later.</span>
        </div>
      )}
      <div className="field">
        <label htmlFor="displayName">Display name</label>
        <input id="displayName" name="displayName" defaultValue={existing?.displayName} required minLength={3} />
      </div>
      <div className="field">
        <label htmlFor="description">Description</label>
        <textarea id="description" name="description" rows={2} defaultValue={existing?.description} />
      </div>
      <div className="field">
        <label htmlFor="riskTier">Risk tier</label>
        <select id="riskTier" name="riskTier" defaultValue={existing?.riskTier ?? "medium"}>
          <option value="low">Low — 1 approval</option>
          <option value="medium">Medium — 2 approvals</option>
          <option value="high">High — 3 approvals</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="useCase">Use case</label>
        <input id="useCase" name="useCase" defaultValue={existing?.useCase} />
      </div>
      <div className="field">
        <label htmlFor="businessKpi">Business KPI it serves</label>
        <input id="businessKpi" name="businessKpi" defaultValue={existing?.businessKpi} />
      </div>
      <button type="submit" className="button primary" disabled={pending}>{pending ? "Saving…" : existing ? "Save changes" : "Create model"}</button>
    </form>
  );
}

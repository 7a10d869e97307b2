import { Field, SelectField } from "@/components/ui/field";
import type { TAuditFilterQuery } from "@/lib/audit/filter";

/** A plain GET form: filters live in the URL, so a filtered view can be shared and exported. */
export function AuditFilterForm({ query, actions, models }: { query: TAuditFilterQuery; actions: string[]; models: string[] }) {
  return (
    <form className="card filter-bar" method="get" aria-label="Filter audit records">
      <Field label="Actor" name="actor" defaultValue={query.actor ?? ""} placeholder="email or name" />
      <SelectField
        label="Action"
        name="action"
        defaultValue={query.action ?? ""}
        options={[{ value: "", label: "Any action" }, ...actions]}
      />
      <SelectField label="Model" name="model" defaultValue={query.model ?? ""} options={[{ value: "", label: "Any model" }, ...models]} />
      <Field label="From (UTC)" name="from" type="date" defaultValue={query.from ?? ""} />
      <Field label="To (UTC)" name="to" type="date" defaultValue={query.to ?? ""} />
      <div className="filter-actions">
        <button type="submit" className="button primary">
          Apply
        </button>
        <a className="button" href="/audit">
          Clear
        </a>
      </div>
    </form>
  );
}

import type { TAuditFilterQuery } from "@/lib/audit/filter";

/** A plain GET form: filters live in the URL, so a filtered view can be shared and exported. */
export function AuditFilterForm({ query, actions, models }: { query: TAuditFilterQuery; actions: string[]; models: string[] }) {
  return (
    <form className="card filter-bar" method="get" aria-label="Filter audit records">
      <div className="field">
        <label htmlFor="actor">Actor</label>
        <input id="actor" name="actor" defaultValue={query.actor ?? ""} placeholder="email or name" />
      </div>
      <div className="field">
        <label htmlFor="action">Action</label>
        <select id="action" name="action" defaultValue={query.action ?? ""}>
          <option value="">Any action</option>
          {actions.map((action) => <option key={action} value={action}>{action}</option>)}
        </select>
      </div>
      <div className="field">
        <label htmlFor="model">Model</label>
        <select id="model" name="model" defaultValue={query.model ?? ""}>
          <option value="">Any model</option>
          {models.map((slug) => <option key={slug} value={slug}>{slug}</option>)}
        </select>
      </div>
      <div className="field">
        <label htmlFor="from">From (UTC)</label>
        <input id="from" name="from" type="date" defaultValue={query.from ?? ""} />
      </div>
      <div className="field">
        <label htmlFor="to">To (UTC)</label>
        <input id="to" name="to" type="date" defaultValue={query.to ?? ""} />
      </div>
      <div className="filter-actions">
        <button type="submit" className="button primary">Apply</button>
        <a className="button" href="/audit">Clear</a>
      </div>
    </form>
  );
}

import Link from "next/link";
import type { TPortfolioQuery } from "@/lib/portfolio/view";

/**
 * The portfolio's filters as a plain GET form: the state lives in the URL (sort kept in a hidden
 * field), so it works before hydration and a filtered view can be shared.
 */
export function PortfolioFilters({ query, shown, total }: { query: TPortfolioQuery; shown: number; total: number }) {
  const filtered = Boolean(query.tier || query.health || query.q);
  return (
    <form className="card filter-bar" method="get" action="/models" aria-label="Filter models">
      {query.sort !== "health" || query.dir ? <input type="hidden" name="sort" value={query.sort} /> : null}
      {query.dir ? <input type="hidden" name="dir" value={query.dir} /> : null}
      <div className="field">
        <label htmlFor="portfolio-q">Name, slug or owner</label>
        <input id="portfolio-q" name="q" type="search" defaultValue={query.q ?? ""} maxLength={100} />
      </div>
      <div className="field">
        <label htmlFor="portfolio-tier">Risk tier</label>
        <select id="portfolio-tier" name="tier" defaultValue={query.tier ?? ""}>
          <option value="">Any</option>
          <option value="high">High</option>
          <option value="medium">Medium</option>
          <option value="low">Low</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="portfolio-health">Health</label>
        <select id="portfolio-health" name="health" defaultValue={query.health ?? ""}>
          <option value="">Any</option>
          <option value="failing">Failing</option>
          <option value="warning">Warning</option>
          <option value="healthy">Healthy</option>
        </select>
      </div>
      <div className="filter-actions">
        <button type="submit" className="button">
          Filter
        </button>
        {filtered ? (
          <Link className="button ghost" href="/models">
            Clear
          </Link>
        ) : null}
      </div>
      <p className="muted" role="status" style={{ margin: 0, marginLeft: "auto" }}>
        {filtered ? `${shown} of ${total} models` : `${total} ${total === 1 ? "model" : "models"}`}
      </p>
    </form>
  );
}

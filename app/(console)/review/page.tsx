import type { Metadata } from "next";
import Link from "next/link";
import { requirePermission } from "@/app/_server/auth";
import { getDb } from "@/db/client";
import { loadReviewQueueView } from "@/db/queries/review";
import { can } from "@/lib/permissions";
import { parseQueueQuery, QUEUE_PAGE_SIZES } from "@/lib/review/queue-query";
import { ClaimNextButton } from "@/components/review/claim-next-button";
import { QueueCounts } from "@/components/review/queue-counts";
import { QueuePager } from "@/components/review/queue-pager";
import { REASON_LABELS, ReviewQueueTable } from "@/components/review/review-queue-table";
import { PageHeader } from "@/components/ui/page-header";
import { claimNextAction } from "./actions";

export const metadata: Metadata = { title: "Review queue" };

export default async function ReviewPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePermission("review.read");
  // Each parameter on its own: a bad one is ignored and named, the rest still apply.
  const params = await searchParams;
  const { query, ignored } = parseQueueQuery(params);
  const mayDecide = can(user.roles, "review.decide");
  const view = await loadReviewQueueView(
    getDb(),
    { modelSlug: query.model, reason: query.reason, sla: query.sla, status: query.status, userId: user.id, minAgeHours: query.age },
    { limit: query.size, after: query.after, before: query.before },
  );
  const pager = (bottom: boolean) => (
    <QueuePager
      bottom={bottom}
      query={query}
      offset={view.page.offset}
      shown={view.page.items.length}
      total={view.counts.total}
      previous={view.page.previous}
      next={view.page.next}
    />
  );
  return (
    <div className="stack">
      <PageHeader
        title="Review queue"
        description="Predictions the models should not decide alone. Claim an item, then accept or override it; keyboard: A accept, O override, S skip."
        actions={
          <div style={{ display: "flex", gap: 8, alignItems: "center", flexWrap: "wrap" }}>
            <Link className="button" href="/review/report">
              Transparency report
            </Link>
            {mayDecide ? <ClaimNextButton claimNext={claimNextAction} /> : null}
          </div>
        }
      />
      {params.released === "1" ? (
        <p className="callout success" role="status">
          Released: the item is back in the queue for anyone to claim.
        </p>
      ) : null}
      {ignored.length > 0 ? (
        <p className="callout error" role="alert" aria-label="Filter error">
          Ignored {ignored.length === 1 ? "a filter" : `${ignored.length} filters`} that {ignored.length === 1 ? "is" : "are"} not valid:{" "}
          {ignored.join("; ")}.
        </p>
      ) : null}
      <QueueCounts query={query} counts={view.counts} />
      <form className="card filter-bar" method="get" aria-label="Filter the queue">
        <div className="field">
          <label htmlFor="model">Model</label>
          <select id="model" name="model" defaultValue={query.model ?? ""}>
            <option value="">Any model</option>
            {view.models.map((model) => (
              <option key={model.slug} value={model.slug}>
                {model.displayName}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="reason">Reason</label>
          <select id="reason" name="reason" defaultValue={query.reason ?? ""}>
            <option value="">Any reason</option>
            {Object.entries(REASON_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="sla">SLA</label>
          <select id="sla" name="sla" defaultValue={query.sla ?? ""}>
            <option value="">Any</option>
            <option value="overdue">Overdue</option>
            <option value="due_soon">Due soon</option>
            <option value="on_track">On track</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="status">Status</label>
          <select id="status" name="status" defaultValue={query.status ?? ""}>
            <option value="">Any</option>
            <option value="available">Open to claim</option>
            <option value="claimed">Claimed</option>
            {mayDecide ? <option value="mine">Claimed by me</option> : null}
          </select>
        </div>
        <div className="field">
          <label htmlFor="age">Older than (hours)</label>
          <input id="age" name="age" type="number" min={1} max={8760} step={1} defaultValue={query.age ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="size">Per page</label>
          <select id="size" name="size" defaultValue={String(query.size)}>
            {QUEUE_PAGE_SIZES.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </div>
        <div className="filter-actions">
          <button type="submit" className="button primary">
            Apply
          </button>
          <a className="button" href="/review">
            Clear
          </a>
        </div>
      </form>
      {pager(false)}
      <ReviewQueueTable
        items={view.page.items}
        now={new Date()}
        filtered={Boolean(query.model || query.reason || query.sla || query.status || query.age)}
      />
      {view.page.items.length > 10 ? pager(true) : null}
    </div>
  );
}

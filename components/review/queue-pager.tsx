import Link from "next/link";
import { describeQueueRange, queueHref, type TQueueCursor, type TQueueQuery } from "@/lib/review/queue-query";

/** "Showing 51–100 of 257" with previous / next by keyset cursor; the filters stay in the links. */
export function QueuePager({
  query,
  offset,
  shown,
  total,
  previous,
  next,
  bottom = false,
}: {
  query: TQueueQuery;
  offset: number;
  shown: number;
  total: number;
  previous: TQueueCursor | null;
  next: TQueueCursor | null;
  /** The copy under the table: its own landmark name, and no second live region. */
  bottom?: boolean;
}) {
  const lost = shown === 0 && (query.after || query.before);
  return (
    <nav
      aria-label={bottom ? "Queue pages, bottom" : "Queue pages"}
      style={{ display: "flex", gap: 12, alignItems: "center", justifyContent: "space-between", flexWrap: "wrap" }}
    >
      <span role={bottom ? undefined : "status"} aria-label={bottom ? undefined : "Queue position"}>
        {describeQueueRange({ offset, shown, total })}
      </span>
      <span style={{ display: "flex", gap: 8 }}>
        {lost ? (
          <Link className="button" href={queueHref(query, { after: undefined, before: undefined })}>
            Back to the first page
          </Link>
        ) : null}
        {previous ? (
          <Link className="button" rel="prev" href={queueHref(query, { before: previous, after: undefined })}>
            ← Previous
          </Link>
        ) : (
          <span className="button" aria-disabled="true" style={{ opacity: 0.5 }}>
            ← Previous
          </span>
        )}
        {next ? (
          <Link className="button" rel="next" href={queueHref(query, { after: next, before: undefined })}>
            Next →
          </Link>
        ) : (
          <span className="button" aria-disabled="true" style={{ opacity: 0.5 }}>
            Next →
          </span>
        )}
      </span>
    </nav>
  );
}

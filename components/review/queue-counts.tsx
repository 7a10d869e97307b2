import Link from "next/link";
import { formatCount } from "@/lib/format";
import { queueHref, type TQueueQuery } from "@/lib/review/queue-query";
import type { TSlaState } from "@/lib/types/review";

const STATES: Array<{ sla: TSlaState | undefined; label: string; key: "all" | TSlaState }> = [
  { sla: undefined, label: "All open", key: "all" },
  { sla: "overdue", label: "Overdue", key: "overdue" },
  { sla: "due_soon", label: "Due soon", key: "due_soon" },
  { sla: "on_track", label: "On track", key: "on_track" },
];

/** The filtered queue's size by SLA state; each figure filters the queue to that state (other filters kept). */
export function QueueCounts({ query, counts }: { query: TQueueQuery; counts: Record<TSlaState, number> }) {
  const all = counts.overdue + counts.due_soon + counts.on_track;
  return (
    <nav aria-label="Queue by SLA state" className="stat-grid">
      {STATES.map((state) => {
        const value = state.sla ? counts[state.sla] : all;
        const current = query.sla === state.sla;
        return (
          <Link
            key={state.key}
            href={queueHref(query, { sla: state.sla, after: undefined, before: undefined })}
            className="card stat"
            aria-current={current ? "page" : undefined}
            style={{ color: "inherit", textDecoration: "none", outline: current ? "2px solid var(--accent)" : undefined }}
          >
            <span className="stat-label">{state.label}</span>
            <span className="stat-value" style={state.key === "overdue" && value > 0 ? { color: "var(--bad)" } : undefined}>
              {formatCount(value)}
            </span>
          </Link>
        );
      })}
    </nav>
  );
}

import Link from "next/link";
import { slaState } from "@/lib/review/sla";
import { formatDateTime, formatPercent } from "@/lib/format";
import type { TReviewQueueItem } from "@/lib/types/review";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";

export const REASON_LABELS: Record<string, string> = {
  low_confidence: "Low confidence",
  high_risk_rule: "High-risk rule",
  random_sample: "Quality sample",
  shadow_disagreement: "Shadow disagreement",
};

const SLA = { overdue: ["bad", "overdue"], due_soon: ["warn", "due soon"], on_track: ["ok", "on track"] } as const;

export function ReviewQueueTable({ items, now, filtered = false }: { items: TReviewQueueItem[]; now: Date; filtered?: boolean }) {
  if (items.length === 0) {
    return filtered ? (
      <EmptyState title="No items match these filters">Clear the filters to see the whole queue.</EmptyState>
    ) : (
      <EmptyState title="The queue is empty">Predictions routed to review by the worker appear here, soonest due first.</EmptyState>
    );
  }
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Review queue">
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Model</th>
            <th scope="col">Reason</th>
            <th scope="col" className="num">
              Probability
            </th>
            <th scope="col">Model label</th>
            <th scope="col">Due</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => {
            const [tone, label] = SLA[slaState({ now, createdAt: item.createdAt, dueAt: item.dueAt })];
            return (
              <tr key={item.id}>
                <td>
                  <Link href={`/review/${item.id}`} className="mono">
                    {item.id.slice(0, 8)}
                  </Link>
                </td>
                <td>{item.modelName}</td>
                <td>{REASON_LABELS[item.reason] ?? item.reason}</td>
                <td className="num">{formatPercent(item.probability)}</td>
                <td>{item.label}</td>
                <td>
                  {formatDateTime(item.dueAt)} <Badge tone={tone}>{label}</Badge>
                </td>
                <td>
                  {item.status === "claimed" ? <Badge tone="info">claimed by {item.claimedByName}</Badge> : <Badge>{item.status}</Badge>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

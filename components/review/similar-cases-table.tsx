import Link from "next/link";
import { formatDateTime, formatNumber, formatPercent } from "@/lib/format";
import type { TSimilarCases } from "@/lib/types/review";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";

/** Awaits the nearest decided items (streamed behind a Suspense boundary) and lists them, nearest first. */
export async function SimilarCasesTable({ similar }: { similar: Promise<TSimilarCases> }) {
  const result = await similar;
  if (!result.ok) return <EmptyState title="No similar cases to show">{result.message}</EmptyState>;
  if (result.cases.length === 0) {
    return (
      <EmptyState title="No decided cases of this version yet">
        Once analysts decide items of this model version, the closest ones appear here with their decisions.
      </EmptyState>
    );
  }
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Similar decided cases">
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col" className="num">
              Distance
            </th>
            <th scope="col" className="num">
              Probability
            </th>
            <th scope="col">Model label</th>
            <th scope="col">Decision</th>
            <th scope="col">Final label</th>
            <th scope="col">Reason code</th>
            <th scope="col">Decided</th>
          </tr>
        </thead>
        <tbody>
          {result.cases.map((similar) => (
            <tr key={similar.id}>
              <td>
                <Link href={`/review/${similar.id}`} className="mono">
                  {similar.id.slice(0, 8)}
                </Link>
              </td>
              <td className="num">{formatNumber(similar.distance, 2)}</td>
              <td className="num">{formatPercent(similar.probability)}</td>
              <td>{similar.label}</td>
              <td>
                <Badge tone={similar.decision === "override" ? "warn" : "ok"}>{similar.decision}</Badge>
              </td>
              <td>{similar.finalLabel}</td>
              <td>{similar.reasonCode ?? <span className="muted">—</span>}</td>
              <td>{formatDateTime(similar.decidedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

import type { TDiffEntry } from "@/lib/registry/diff";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";

const show = (value: unknown) => (value === undefined ? "—" : typeof value === "object" ? JSON.stringify(value) : String(value));

export function VersionDiff({ entries, before, after }: { entries: TDiffEntry[]; before: string; after: string }) {
  if (entries.length === 0) return <EmptyState title="No differences">Schema, hyperparameters and metrics are the same.</EmptyState>;
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Differences">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Change</th>
            <th scope="col">{before}</th>
            <th scope="col">{after}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.path}>
              <td className="mono">{entry.path}</td>
              <td>
                <Badge tone={entry.kind === "changed" ? "warn" : entry.kind === "added" ? "ok" : "bad"}>{entry.kind}</Badge>
              </td>
              <td className="mono">{show(entry.before)}</td>
              <td className="mono">{show(entry.after)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

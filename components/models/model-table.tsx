import Link from "next/link";
import type { TModelListItem } from "@/lib/types/models";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { formatPercent } from "@/lib/format";

const RISK_TONE = { low: "ok", medium: "warn", high: "bad" } as const;

export function ModelTable({ models, completeness }: { models: TModelListItem[]; completeness: Record<string, number | null> }) {
  if (models.length === 0) {
    return (
      <EmptyState title="No models registered yet">
        <p>A data scientist registers a model and its first version from the registry or the CLI.</p>
      </EmptyState>
    );
  }
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Models">
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Risk tier</th>
            <th scope="col">Owner</th>
            <th scope="col">Champion</th>
            <th scope="col">Latest version</th>
            <th scope="col" className="num">
              Versions
            </th>
            <th scope="col">Deployment</th>
            <th scope="col" className="num">
              Card
            </th>
          </tr>
        </thead>
        <tbody>
          {models.map((model) => (
            <tr key={model.id}>
              <td>
                <Link href={`/models/${model.slug}`}>
                  <strong>{model.displayName}</strong>
                </Link>
                <div className="muted mono">{model.slug}</div>
              </td>
              <td>
                <Badge tone={RISK_TONE[model.riskTier]}>{model.riskTier}</Badge>
              </td>
              <td>{model.ownerName ?? <span className="muted">—</span>}</td>
              <td>{model.championVersion ? <span className="mono">{model.championVersion}</span> : <span className="muted">none</span>}</td>
              <td className="mono">{model.latestVersion ?? "—"}</td>
              <td className="num">{model.versionCount}</td>
              <td>
                {model.killSwitch ? (
                  <Badge tone="bad">kill switch on</Badge>
                ) : model.deploymentMode === "off" ? (
                  <Badge>champion only</Badge>
                ) : (
                  <Badge tone="info">{model.deploymentMode}</Badge>
                )}
              </td>
              <td className="num">
                {completeness[model.id] === null || completeness[model.id] === undefined ? (
                  "—"
                ) : (
                  <Badge tone={completeness[model.id] === 1 ? "ok" : "warn"}>{formatPercent(completeness[model.id], 0)}</Badge>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

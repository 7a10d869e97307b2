import Link from "next/link";
import type { TVersionListItem } from "@/lib/types/models";
import { formatDateTime, formatNumber } from "@/lib/format";
import { Badge, type TBadgeTone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";

const METRICS: Array<[key: string, label: string]> = [
  ["rocAuc", "ROC AUC"],
  ["averagePrecision", "Avg. precision"],
  ["accuracy", "Accuracy"],
  ["brier", "Brier"],
  ["ece", "ECE"],
];

const STATUS_TONE: Record<string, TBadgeTone> = {
  champion: "ok",
  canary: "info",
  shadow: "info",
  approved: "ok",
  validated: "ok",
  awaiting_approval: "warn",
  validating: "warn",
  validation_failed: "bad",
  rejected: "bad",
  retired: "neutral",
  registered: "neutral",
};

export function VersionTable({
  modelSlug,
  versions,
  actions = {},
}: {
  modelSlug: string;
  versions: TVersionListItem[];
  actions?: Record<string, React.ReactNode>;
}) {
  if (versions.length === 0)
    return <EmptyState title="No versions yet">Register a version with its ONNX file, schema and card.</EmptyState>;
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Versions">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col">Registered</th>
            {METRICS.map(([key, label]) => (
              <th key={key} scope="col" className="num">
                {label}
              </th>
            ))}
            <th scope="col">Artifact</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((version) => (
            <tr key={version.id}>
              <td className="mono">
                <Link href={`/models/${modelSlug}/versions/${version.version}`}>
                  <strong>{version.version}</strong>
                </Link>
                {version.role ? <div className="muted">{version.role}</div> : null}
              </td>
              <td>
                <Badge tone={STATUS_TONE[version.status] ?? "neutral"}>{version.status.replace(/_/g, " ")}</Badge>
              </td>
              <td>
                {version.registeredByName ?? "—"}
                <div className="muted">{formatDateTime(version.createdAt)}</div>
              </td>
              {METRICS.map(([key]) => (
                <td key={key} className="num">
                  {formatNumber(version.offlineMetrics[key])}
                </td>
              ))}
              <td className="mono muted" title={version.artifactSha256}>
                {version.artifactSha256.slice(0, 12)}…
              </td>
              <td>{actions[version.id] ?? null}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

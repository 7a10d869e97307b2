import type { TModelDetail } from "@/lib/types/models";
import { formatDateTime, formatPercent } from "@/lib/format";
import { Badge } from "@/components/ui/badge";

export function DeploymentSummary({ deployment }: { deployment: TModelDetail["deployment"] }) {
  if (!deployment) return <p className="muted">Not deployed: no version answers traffic yet.</p>;
  const mode = deployment.killSwitch ? (
    <Badge tone="bad">kill switch on — fallback rules answer</Badge>
  ) : deployment.mode === "off" ? (
    <Badge tone="ok">champion only</Badge>
  ) : deployment.mode === "canary" ? (
    <Badge tone="info">canary {deployment.canaryPercent} %</Badge>
  ) : (
    <Badge tone="info">shadow</Badge>
  );
  return (
    <dl className="facts" aria-label="Deployment">
      <div>
        <dt>Champion</dt>
        <dd className="mono">{deployment.championVersion ?? "none"}</dd>
      </div>
      <div>
        <dt>Challenger</dt>
        <dd className="mono">{deployment.challengerVersion ?? "none"}</dd>
      </div>
      <div>
        <dt>Mode</dt>
        <dd>{mode}</dd>
      </div>
      <div>
        <dt>Review below confidence</dt>
        <dd>{formatPercent(deployment.confidenceThreshold, 0)}</dd>
      </div>
      <div>
        <dt>Random review sample</dt>
        <dd>{formatPercent(deployment.reviewSampleRate)}</dd>
      </div>
      <div>
        <dt>Last change</dt>
        <dd>
          {formatDateTime(deployment.updatedAt)} (revision {deployment.revision})
        </dd>
      </div>
    </dl>
  );
}

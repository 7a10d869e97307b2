import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requirePermission } from "@/app/_server/auth";
import { getDb } from "@/db/client";
import { listAuditRecords } from "@/db/queries/audit";
import { getModelDetail, getRolloutContext } from "@/db/queries/models";
import { KillSwitch, VersionActions } from "@/components/governance/version-actions";
import { ModelTimeline } from "@/components/governance/model-timeline";
import { ZVersionStatus } from "@/lib/governance/lifecycle";
import { nextSteps } from "@/lib/governance/next-steps";
import { deploymentAction, fallbackRulesAction, killSwitchAction, requestApprovalAction, requestValidationAction } from "./actions";
import { FallbackRulesForm } from "@/components/governance/fallback-rules-form";
import { FallbackRulesSummary } from "@/components/governance/fallback-rules-summary";
import { getModelBySlug } from "@/db/queries/registry";
import { DeploymentSummary } from "@/components/models/deployment-summary";
import { VersionTable } from "@/components/models/version-table";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { formatCount, formatDateTime } from "@/lib/format";
import { listOpenAlerts } from "@/db/queries/alerts";
import { can } from "@/lib/permissions";
import Link from "next/link";

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  return { title: (await params).slug };
}

export default async function ModelPage({ params }: { params: Promise<{ slug: string }> }) {
  const user = await requirePermission("models.read");
  const db = getDb();
  const slug = (await params).slug;
  const [model, timeline, modelRow, rollout] = await Promise.all([
    getModelDetail(db, slug),
    listAuditRecords(db, { limit: 30, filter: { modelSlug: slug } }),
    getModelBySlug(db, slug),
    getRolloutContext(db, slug),
  ]);
  if (!model || !modelRow || !rollout) notFound();
  const openAlerts = await listOpenAlerts(db, modelRow.id);
  const fallbackRules = modelRow.fallbackRules;
  const revision = model.deployment?.revision ?? 0;
  const actions = Object.fromEntries(
    model.versions.map((version) => {
      const status = ZVersionStatus.safeParse(version.status);
      // Retiring the champion shuts the model down; the kill switch is the button for that, so it is not offered here.
      // The tier's rollout rule and the deployment decide too: moveDeployment refuses exactly what is not offered.
      const allowed = (
        status.success ? nextSteps({ status: status.data, actorRoles: user.roles, versionId: version.id, ...rollout }) : []
      ).filter((action) => !(version.role === "champion" && action === "retire"));
      return [
        version.id,
        <VersionActions
          key={version.id}
          modelSlug={model.slug}
          versionId={version.id}
          version={version.version}
          revision={revision}
          allowed={allowed}
          deploy={deploymentAction}
          requestApproval={requestApprovalAction}
          requestValidation={requestValidationAction}
        />,
      ];
    }),
  );
  return (
    <div className="stack">
      <PageHeader
        title={model.displayName}
        description={model.description}
        actions={
          <div style={{ display: "flex", gap: 10, alignItems: "center" }}>
            <Badge tone={model.riskTier === "high" ? "bad" : model.riskTier === "medium" ? "warn" : "ok"}>{model.riskTier} risk</Badge>
            <Link className="button" href={`/models/${model.slug}/monitoring`}>
              Monitoring
            </Link>
            {can(user.roles, "cost.read") ? (
              <Link className="button" href={`/models/${model.slug}/cost`}>
                Cost-benefit
              </Link>
            ) : null}
            {can(user.roles, "model.edit") ? (
              <Link className="button" href={`/models/${model.slug}/edit`}>
                Edit
              </Link>
            ) : null}
            {can(user.roles, "version.register") ? (
              <Link className="button primary" href={`/models/${model.slug}/register`}>
                Register a version
              </Link>
            ) : null}
          </div>
        }
      />
      <div className="grid-2">
        <section className="card" aria-labelledby="deployment-heading">
          <h2 id="deployment-heading">Deployment</h2>
          <DeploymentSummary deployment={model.deployment} />
          {model.deployment && can(user.roles, "deployment.kill_switch") ? (
            <div style={{ marginTop: 14 }}>
              <KillSwitch modelSlug={model.slug} on={model.deployment.killSwitch} revision={revision} run={killSwitchAction} />
            </div>
          ) : null}
        </section>
        <section className="card" aria-labelledby="about-heading">
          <h2 id="about-heading">About</h2>
          <dl className="facts">
            <div>
              <dt>Slug</dt>
              <dd className="mono">{model.slug}</dd>
            </div>
            <div>
              <dt>Owner</dt>
              <dd>
                {model.ownerName ?? "—"}
                {model.ownerEmail ? <span className="muted"> · {model.ownerEmail}</span> : null}
              </dd>
            </div>
            <div>
              <dt>Use case</dt>
              <dd>{model.useCase || "—"}</dd>
            </div>
            <div>
              <dt>Business KPI</dt>
              <dd>{model.businessKpi || "—"}</dd>
            </div>
            <div>
              <dt>Predictions, last 24 h</dt>
              <dd>{formatCount(model.predictionsLast24h)}</dd>
            </div>
            <div>
              <dt>Open review items</dt>
              <dd>{formatCount(model.openReviewItems)}</dd>
            </div>
          </dl>
        </section>
      </div>
      <section className="card" aria-labelledby="model-alerts-heading">
        <h2 id="model-alerts-heading">Open alerts</h2>
        {openAlerts.length === 0 ? (
          <p className="muted" style={{ margin: 0 }}>
            No open alerts: monitoring finds nothing that needs attention.
          </p>
        ) : (
          <ul style={{ margin: 0, paddingLeft: 18 }}>
            {openAlerts.map((alert) => (
              <li key={alert.id}>
                <Badge tone={alert.severity === "critical" ? "bad" : alert.severity === "warning" ? "warn" : "info"}>
                  {alert.severity}
                </Badge>{" "}
                <strong>{alert.title}</strong>{" "}
                <span className="muted">
                  {alert.message} · {alert.status} since {formatDateTime(alert.firedAt)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="versions-heading">
        <div style={{ display: "flex", justifyContent: "space-between", alignItems: "center" }}>
          <h2 id="versions-heading">Versions</h2>
          <div style={{ display: "flex", gap: 8 }}>
            {can(user.roles, "data.export_labelled") ? (
              <a className="button" href={`/api/v1/models/${model.slug}/labelled`} download>
                Labelled data (CSV)
              </a>
            ) : null}
            {model.versions.length > 1 ? (
              <Link className="button" href={`/models/${model.slug}/compare`}>
                Compare versions
              </Link>
            ) : null}
          </div>
        </div>
        <VersionTable modelSlug={model.slug} versions={model.versions} actions={actions} />
      </section>
      <section className="card" aria-labelledby="fallback-heading">
        <h2 id="fallback-heading">Fallback rules</h2>
        <p className="muted" style={{ marginTop: 0 }}>
          What answers when the kill switch is on or a model fails: predictions marked “fallback”. The first rule that matches gives the
          probability of the positive class.
        </p>
        <FallbackRulesSummary rules={fallbackRules} />
        <FallbackRulesForm
          modelSlug={model.slug}
          rulesJson={JSON.stringify(fallbackRules, null, 2)}
          editable={can(user.roles, "deployment.fallback_rules")}
          save={fallbackRulesAction}
        />
      </section>
      <section className="card" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Life-cycle timeline</h2>
        <ModelTimeline records={timeline} />
      </section>
    </div>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { requirePermission } from "@/app/_server/auth";
import { getCardSource } from "@/db/queries/cards";
import { getPolicy, getShadowComparison, getVersionGovernance } from "@/db/queries/governance";
import { ShadowComparisonChart } from "@/components/charts/shadow-comparison-chart";
import { GovernancePanel } from "@/components/governance/governance-panel";
import { VersionActions } from "@/components/governance/version-actions";
import { VoteForm } from "@/components/governance/vote-form";
import { ZVersionStatus } from "@/lib/governance/lifecycle";
import { nextSteps } from "@/lib/governance/next-steps";
import { getRolloutContext } from "@/db/queries/models";
import { GATE_STATUSES, justificationRequiredBecause } from "@/lib/governance/policy";
import { can } from "@/lib/permissions";
import { deploymentAction, requestApprovalAction, requestValidationAction, voteAction } from "../../actions";
import { ModelCardView } from "@/components/models/model-card-view";
import { AbTestPanel } from "@/components/models/ab-test-panel";
import { listArmValues } from "@/db/queries/outcomes";
import { getCanaryBusinessVerdictForArms } from "@/db/queries/canary-business";
import { armPanel } from "@/lib/stats/abtest-arms";
import { PageHeader } from "@/components/ui/page-header";
import { FeatureImportancePanel } from "@/components/models/feature-importance-panel";
import { assembleModelCard, computeCardCompleteness } from "@/lib/model-card";

export async function generateMetadata({ params }: { params: Promise<{ slug: string; version: string }> }): Promise<Metadata> {
  const { slug, version } = await params;
  return { title: `${slug} ${version} model card` };
}

const SIDE_BY_SIDE: Array<[key: string, label: string, higherIsBetter: boolean]> = [
  ["rocAuc", "ROC AUC", true],
  ["averagePrecision", "Average precision", true],
  ["accuracy", "Accuracy", true],
  ["brier", "Brier score", false],
  ["ece", "Calibration error", false],
];

export default async function ModelCardPage({ params }: { params: Promise<{ slug: string; version: string }> }) {
  const user = await requirePermission("models.read");
  const { slug, version } = await params;
  const db = getDb();
  const [source, governance, rollout] = await Promise.all([
    getCardSource(db, slug, version),
    getVersionGovernance(db, slug, version),
    getRolloutContext(db, slug),
  ]);
  if (!source || !governance || !rollout) notFound();
  const status = ZVersionStatus.safeParse(governance.status);
  // The same rule moveDeployment applies: status, roles, deployment and the tier's required stages.
  const allowed = status.success
    ? nextSteps({ status: status.data, actorRoles: user.roles, versionId: governance.versionId, ...rollout })
    : [];
  const metric = (metrics: Record<string, unknown> | undefined, key: string) =>
    typeof metrics?.[key] === "number" ? (metrics[key] as number) : null;
  const sideBySide = SIDE_BY_SIDE.map(([key, label, higherIsBetter]) => ({
    metric: label,
    candidate: metric(governance.offlineMetrics, key),
    champion: metric(governance.champion?.offlineMetrics, key),
    higherIsBetter,
  }));
  // The A/B panel: champion (control) vs challenger (treatment) on business values, on either version's page.
  const { championVersionId, challengerVersionId } = rollout.deployment;
  const abArms =
    championVersionId && challengerVersionId && [championVersionId, challengerVersionId].includes(governance.versionId)
      ? { controlVersionId: championVersionId, treatmentVersionId: challengerVersionId }
      : null;
  const [shadow, policy, armValues, guardVerdict] = await Promise.all([
    getShadowComparison(db, { modelId: governance.modelId, shadowVersionId: governance.versionId, hours: 7 * 24 }),
    getPolicy(db, source.model.riskTier),
    abArms ? listArmValues(db, { modelId: governance.modelId, ...abArms, days: 30, limit: 200_000 }) : Promise.resolve([]),
    abArms
      ? getCanaryBusinessVerdictForArms(db, {
          modelId: governance.modelId,
          championVersionId: abArms.controlVersionId,
          challengerVersionId: abArms.treatmentVersionId,
        })
      : Promise.resolve(null),
  ]);
  const abComparison = abArms ? armPanel(armValues) : null;
  const justificationNeeded = justificationRequiredBecause({
    policy,
    gates: (governance.run?.gates ?? []).map((gate) => ({
      gate: gate.gate,
      status: GATE_STATUSES.find((status) => status === gate.evidence.gateStatus) ?? null,
    })),
  });
  const mayVote =
    can(user.roles, "version.vote") &&
    governance.approval?.status === "pending" &&
    !governance.approval.votes.some((vote) => vote.voterId === user.id);
  const card = assembleModelCard(source);
  const completeness = computeCardCompleteness(card);
  const exportBase = `/api/v1/models/${slug}/versions/${version}/card`;
  return (
    <div className="stack">
      <PageHeader
        title={`${source.model.displayName} ${version}`}
        description="Model card, generated from the registry and live figures."
        actions={
          <div style={{ display: "flex", gap: 8 }}>
            <Link className="button" href={`/models/${slug}`}>
              Back to the model
            </Link>
            <a className="button" href={`${exportBase}?format=md`} download>
              Export Markdown
            </a>
            <a className="button" href={`${exportBase}?format=json`} download>
              Export JSON
            </a>
          </div>
        }
      />
      <VersionActions
        modelSlug={slug}
        versionId={governance.versionId}
        version={version}
        revision={governance.revision}
        allowed={allowed}
        deploy={deploymentAction}
        requestApproval={requestApprovalAction}
        requestValidation={requestValidationAction}
        justificationNeeded={justificationNeeded}
      />
      <GovernancePanel
        run={governance.run}
        approval={governance.approval}
        sideBySide={sideBySide}
        championVersion={governance.champion?.version ?? null}
        voteSlot={mayVote ? <VoteForm modelSlug={slug} versionId={governance.versionId} vote={voteAction} /> : null}
      />
      <section className="card" aria-labelledby="shadow-heading">
        <h2 id="shadow-heading">Shadow comparison with the champion (last 7 days)</h2>
        <ShadowComparisonChart points={shadow} />
      </section>
      {abArms ? (
        <section className="card" aria-labelledby="ab-heading">
          <h2 id="ab-heading">A/B test of the business value: champion vs challenger (last 30 days)</h2>
          <AbTestPanel
            data={
              abComparison && {
                ...abComparison,
                controlLabel:
                  `Champion ${governance.versionId === abArms.controlVersionId ? version : (governance.champion?.version ?? "")}`.trim(),
                treatmentLabel: `Challenger${governance.versionId === abArms.treatmentVersionId ? ` ${version}` : ""}`,
              }
            }
            emptyReason="No business values yet: send outcomes with a value (POST /api/v1/predictions/{id}/outcome with a value field) for predictions of both arms."
            guard={
              guardVerdict && {
                verdict: guardVerdict.verdict,
                sentence: guardVerdict.sentence,
                judgedAt: guardVerdict.judgedAt.toISOString(),
              }
            }
          />
        </section>
      ) : null}
      <FeatureImportancePanel reference={source.version.globalImportance} />
      <ModelCardView card={card} completeness={completeness} />
    </div>
  );
}

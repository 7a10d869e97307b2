import Link from "next/link";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { formatCount, formatDateTime } from "@/lib/format";
import { versionStatusLabel } from "@/lib/governance/lifecycle";
import { REASON_LABELS } from "@/components/review/review-queue-table";
import type { TModelHealth } from "@/lib/kpis/health";
import type { TAdminHome, TAlertCounts, TAnalystHome, TAwaitingVote, TMyVersion, TRunningChallenger } from "@/lib/types/home";

/**
 * The blocks of the home page, one per role: what awaits the signed-in person, with counts read
 * from the database by db/queries/home.ts. Each block says in words what an empty list means.
 */

const RISK_TONE = { low: "ok", medium: "warn", high: "bad" } as const;
const HEALTH_TONE = { healthy: "ok", warning: "warn", failing: "bad" } as const;
const GATE_WORDS: Record<string, string> = {
  smoke_inference: "smoke inference",
  performance_roc_auc: "ROC AUC",
  calibration_error: "calibration",
  drift_vs_champion: "drift",
  card_completeness: "model card",
  fairness: "fairness",
};

const plural = (count: number, one: string, many = `${one}s`) => `${formatCount(count)} ${count === 1 ? one : many}`;

function Stat({ label, value, href, children }: { label: string; value: number; href?: string; children?: ReactNode }) {
  return (
    <div className="card stat" role="group" aria-label={`${label}: ${formatCount(value)}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value" data-testid={`stat-${label}`}>
        {href ? <Link href={href}>{formatCount(value)}</Link> : formatCount(value)}
      </div>
      {children ? <div className="stat-detail">{children}</div> : null}
    </div>
  );
}

function Block({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="stack" aria-labelledby={id}>
      <h2 id={id} style={{ margin: 0 }}>
        {title}
      </h2>
      {children}
    </section>
  );
}

export type TCommitteeHome = {
  votes: TAwaitingVote[];
  alerts: TAlertCounts;
  /** With the tier's minimum of requests per arm, below which the guard judges nothing. */
  challengers: Array<TRunningChallenger & { minRequests: number }>;
};

/** Whether the canary guard can judge yet: it waits until both arms answered its tier's minimum in the last hour. */
function guardStatus(challenger: TCommitteeHome["challengers"][number]): { tone: "ok" | "warn" | "info"; text: string } {
  if (challenger.mode === "shadow") return { tone: "info", text: "compared in shadow; the guard watches canaries only" };
  if (challenger.businessVerdict === "hold")
    return { tone: "warn", text: "held: behind the champion on the business value (see the version's A/B panel)" };
  if (challenger.openGuardAlerts > 0) return { tone: "warn", text: `${plural(challenger.openGuardAlerts, "open guard alert")}` };
  // Advice only: the committee promotes.
  if (challenger.businessVerdict === "recommend_promotion")
    return { tone: "ok", text: "recommend promotion: ahead of the champion on the business value" };
  const fewest = Math.min(challenger.challengerRequestsLastHour, challenger.championRequestsLastHour);
  if (fewest < challenger.minRequests)
    return {
      tone: "info",
      text: `collecting: ${formatCount(fewest)} of ${formatCount(challenger.minRequests)} requests per arm in the last hour`,
    };
  return { tone: "ok", text: "judging every pass, within limits" };
}

export function CommitteeHome({ data }: { data: TCommitteeHome }) {
  const openAlerts = data.alerts.critical + data.alerts.warning + data.alerts.info;
  const canaries = data.challengers.filter((challenger) => challenger.mode === "canary").length;
  return (
    <Block id="committee-heading" title="Governance committee">
      <div className="stat-grid">
        <Stat label="Awaiting your vote" value={data.votes.length} href="#votes-heading" />
        <Stat label="Open incidents" value={data.alerts.incidents} href="/alerts">
          {plural(openAlerts, "open alert")}: {data.alerts.critical} critical · {data.alerts.warning} warning · {data.alerts.info} info
        </Stat>
        <Stat label="Canaries running" value={canaries}>
          {plural(data.challengers.length - canaries, "version")} in shadow
        </Stat>
      </div>
      <div className="card">
        <h3 id="votes-heading" style={{ marginTop: 0 }}>
          Versions awaiting your vote
        </h3>
        {data.votes.length === 0 ? (
          <EmptyState title="Nothing awaits your vote">
            <p>When a data scientist asks for approval, the version appears here; you are not asked about versions you registered.</p>
          </EmptyState>
        ) : (
          <DataTable
            label="Versions awaiting your vote"
            columns={["Version", "Risk tier", "Asked by", "Asked", { label: "Approvals", numeric: true }]}
          >
            {data.votes.map((vote) => (
              <tr key={`${vote.modelSlug}/${vote.version}`}>
                <td>
                  <Link href={`/models/${vote.modelSlug}/versions/${vote.version}#approval`}>
                    Vote on {vote.modelName} {vote.version}
                  </Link>
                </td>
                <td>
                  <Badge tone={RISK_TONE[vote.riskTier]}>{vote.riskTier}</Badge>
                </td>
                <td>{vote.requestedByName}</td>
                <td>{formatDateTime(vote.requestedAt)}</td>
                <td className="num">
                  {vote.approvals} of {vote.quorum}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </div>
      <div className="card">
        <h3 style={{ marginTop: 0 }}>Challengers on live traffic</h3>
        {data.challengers.length === 0 ? (
          <EmptyState title="No shadow or canary is running">
            <p>Every model answers with its champion alone. Start a shadow or a canary from an approved version&apos;s page.</p>
          </EmptyState>
        ) : (
          <DataTable label="Challengers on live traffic" columns={["Model", "Mode", "Since", "Canary guard"]}>
            {data.challengers.map((challenger) => {
              const guard = guardStatus(challenger);
              return (
                <tr key={challenger.modelSlug}>
                  <td>
                    <Link href={`/models/${challenger.modelSlug}`}>{challenger.modelName}</Link>{" "}
                    <span className="mono">{challenger.version}</span>
                  </td>
                  <td>{challenger.mode === "canary" ? `canary ${challenger.canaryPercent} %` : "shadow"}</td>
                  <td>{formatDateTime(challenger.since)}</td>
                  <td>
                    <Badge tone={guard.tone}>{guard.text}</Badge>
                  </td>
                </tr>
              );
            })}
          </DataTable>
        )}
      </div>
    </Block>
  );
}

export function AnalystHome({ data }: { data: TAnalystHome }) {
  return (
    <Block id="analyst-heading" title="Review">
      <div className="stat-grid">
        <Stat label="Open in the queue" value={data.queue.total} href="/review" />
        <Stat label="Overdue" value={data.queue.overdue} href="/review?sla=overdue" />
        <Stat label="Due soon" value={data.queue.dueSoon} href="/review?sla=due_soon" />
        <Stat label="On track" value={data.queue.onTrack} href="/review?sla=on_track" />
        <Stat label="Your decisions today" value={data.decidedToday}>
          since midnight UTC
        </Stat>
      </div>
      <div className="card">
        <h3 style={{ marginTop: 0 }}>Items you hold</h3>
        {data.claims.length === 0 ? (
          <EmptyState title="You hold no item">
            <p>
              Claim the next item from the <Link href="/review">review queue</Link>; a claim lasts a few minutes, then the item returns to
              the queue.
            </p>
          </EmptyState>
        ) : (
          <DataTable label="Items you hold" columns={["Item", "Why it is here", "Due", "Your claim ends"]}>
            {data.claims.map((claim) => (
              <tr key={claim.id}>
                <td>
                  <Link href={`/review/${claim.id}`}>{claim.modelName} item</Link>
                </td>
                <td>{REASON_LABELS[claim.reason] ?? claim.reason}</td>
                <td>{formatDateTime(claim.dueAt)}</td>
                <td>{formatDateTime(claim.claimExpiresAt)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </div>
    </Block>
  );
}

export type TScientistHome = { versions: TMyVersion[]; byStatus: Record<string, number> };

export function ScientistHome({ data }: { data: TScientistHome }) {
  const failed = data.versions.filter((version) => version.status === "validation_failed");
  const count = (statuses: string[]) => statuses.reduce((total, status) => total + (data.byStatus[status] ?? 0), 0);
  return (
    <Block id="scientist-heading" title="Your versions">
      <div className="stat-grid">
        <Stat label="In validation" value={count(["registered", "validating"])} />
        <Stat label="Failed gates" value={count(["validation_failed"])} />
        <Stat label="Ready to put forward" value={count(["validated"])}>
          validated, approval not asked yet
        </Stat>
        <Stat label="With the committee" value={count(["awaiting_approval"])} />
        <Stat label="Serving traffic" value={count(["shadow", "canary", "champion"])} />
      </div>
      {failed.length > 0 ? (
        <div className="card">
          <h3 style={{ marginTop: 0 }}>Failed validation gates</h3>
          <ul style={{ margin: 0, paddingLeft: 18 }}>
            {failed.map((version) => (
              <li key={`${version.modelSlug}/${version.version}`}>
                <Link href={`/models/${version.modelSlug}/versions/${version.version}`}>
                  {version.modelName} {version.version}
                </Link>
                :{" "}
                {version.failedGates.length
                  ? version.failedGates.map((gate) => GATE_WORDS[gate] ?? gate.replace(/_/g, " ")).join(", ")
                  : "no gate result recorded"}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="card">
        <h3 style={{ marginTop: 0 }}>Versions you registered</h3>
        {data.versions.length === 0 ? (
          <EmptyState title="You have not registered a version yet">
            <p>
              Register one from a model&apos;s page, the REST API or <span className="mono">npm run oversight -- versions register</span>;
              the validation gates run by themselves.
            </p>
          </EmptyState>
        ) : (
          <DataTable label="Versions you registered" columns={["Version", "Status", "Registered"]}>
            {data.versions.map((version) => (
              <tr key={`${version.modelSlug}/${version.version}`}>
                <td>
                  <Link href={`/models/${version.modelSlug}/versions/${version.version}`}>
                    {version.modelName} {version.version}
                  </Link>
                </td>
                <td>
                  <Badge tone={version.status === "validation_failed" || version.status === "rejected" ? "bad" : "neutral"}>
                    {versionStatusLabel(version.status)}
                  </Badge>
                </td>
                <td>{formatDateTime(version.createdAt)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </div>
    </Block>
  );
}

export type TExecutiveHome = {
  inProduction: number;
  healthy: number;
  warning: number;
  failing: number;
  openAlerts: number;
  reviewBacklog: number;
  models: Array<{ slug: string; displayName: string; health: TModelHealth; reasons: string[]; inProduction: boolean }>;
};

export function ExecutiveHome({ data, showKpiLink }: { data: TExecutiveHome; showKpiLink: boolean }) {
  const attention = data.models.filter((model) => model.inProduction && model.health !== "healthy");
  return (
    <Block id="executive-heading" title="The portfolio">
      <div className="stat-grid">
        <Stat label="Models in production" value={data.inProduction} href="/models">
          <span className="actions-row">
            <Badge tone="ok">{data.healthy} healthy</Badge>
            <Badge tone="warn">{data.warning} warning</Badge>
            <Badge tone="bad">{data.failing} failing</Badge>
          </span>
        </Stat>
        <Stat label="Open alerts" value={data.openAlerts} href="/alerts" />
        <Stat label="Review backlog" value={data.reviewBacklog}>
          predictions waiting for a person
        </Stat>
      </div>
      <div className="card">
        <h3 style={{ marginTop: 0 }}>Models that need attention</h3>
        {attention.length === 0 ? (
          <EmptyState title="Every model in production is healthy">
            <p>No open warning or critical incident on any of them.</p>
          </EmptyState>
        ) : (
          <ul style={{ margin: 0, paddingLeft: 18 }}>
            {attention.map((model) => (
              <li key={model.slug}>
                <Link href={`/models/${model.slug}`}>{model.displayName}</Link>{" "}
                <Badge tone={HEALTH_TONE[model.health]}>{model.health}</Badge> <span className="muted">{model.reasons.join("; ")}</span>
              </li>
            ))}
          </ul>
        )}
        {showKpiLink ? (
          <p style={{ marginBottom: 0 }}>
            <Link className="button" href="/kpis">
              Business KPIs and cost
            </Link>
          </p>
        ) : null}
      </div>
    </Block>
  );
}

export function AdminHome({ data }: { data: TAdminHome }) {
  return (
    <Block id="admin-heading" title="Administration">
      <div className="stat-grid">
        <Stat label="Users" value={data.users.total} href="/admin">
          {data.users.disabled} disabled
        </Stat>
        <Stat label="Waiting for a role" value={data.users.withoutRole} href="/admin">
          signed in, no role granted yet
        </Stat>
        <Stat label="Active API keys" value={data.keys.active} href="/admin">
          {data.keys.unusedFor30Days} unused for 30 days
        </Stat>
      </div>
      <div className="card">
        <h3 style={{ marginTop: 0 }}>Recent policy changes</h3>
        {data.policyChanges.length === 0 ? (
          <EmptyState title="The governance policies are the defaults">
            <p>
              No one has changed a tier&apos;s thresholds, quorum or rollout stages yet; edit them under <Link href="/admin">Admin</Link>.
            </p>
          </EmptyState>
        ) : (
          <ul style={{ margin: 0, paddingLeft: 18 }}>
            {data.policyChanges.map((change, index) => (
              <li key={index}>
                {change.tier ? `${change.tier} risk` : "a policy"} changed by {change.actorLabel} on {formatDateTime(change.occurredAt)}
              </li>
            ))}
          </ul>
        )}
      </div>
    </Block>
  );
}

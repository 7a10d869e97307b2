import type { Metadata } from "next";
import { requirePermission } from "@/app/_server/auth";
import { getDb } from "@/db/client";
import { getPolicy } from "@/db/queries/governance";
import { listPortfolioModels } from "@/db/queries/kpis";
import { buildPortfolioEntries, summarizePortfolio } from "@/lib/kpis/portfolio";
import {
  countOpenAlerts,
  getAdminHome,
  getAnalystHome,
  listAwaitingMyVote,
  listMyVersions,
  listRunningChallengers,
} from "@/db/queries/home";
import { AdminHome, AnalystHome, CommitteeHome, ExecutiveHome, ScientistHome } from "@/components/home/home-panels";
import { PageHeader } from "@/components/ui/page-header";
import { RISK_TIERS } from "@/lib/governance/policy";
import { can } from "@/lib/permissions";
import { ROLE_PHRASES } from "@/lib/roles";

export const metadata: Metadata = { title: "Home" };

/**
 * The first page after sign-in: what awaits the signed-in person, one block per role they hold.
 * Every role may read the registry, so that is the capability checked; each block's data is
 * read only for a role that holds the capability it needs.
 */
export default async function HomePage() {
  const user = await requirePermission("models.read");
  const db = getDb();
  const roles = user.roles;
  const [committee, analyst, scientist, executive, admin] = await Promise.all([
    roles.includes("committee") && can(roles, "version.vote")
      ? Promise.all([
          listAwaitingMyVote(db, user.id),
          countOpenAlerts(db),
          listRunningChallengers(db),
          Promise.all(RISK_TIERS.map((tier) => getPolicy(db, tier))),
        ])
      : null,
    roles.includes("analyst") && can(roles, "review.decide") ? getAnalystHome(db, user.id) : null,
    roles.includes("scientist") && can(roles, "version.register") ? listMyVersions(db, user.id) : null,
    // Health as /kpis classifies it (lib/kpis/health); the money figures stay on /kpis.
    roles.includes("executive")
      ? listPortfolioModels(db).then((models) => buildPortfolioEntries(models.map((model) => ({ model, measured: null }))))
      : null,
    roles.includes("admin") && can(roles, "users.manage") ? getAdminHome(db) : null,
  ]);
  const minRequests = Object.fromEntries(
    RISK_TIERS.map((tier, index) => [tier, committee ? committee[3][index].canaryGuard.minRequests : 0]),
  ) as Record<(typeof RISK_TIERS)[number], number>;
  return (
    <div className="stack">
      <PageHeader
        title="Home"
        description={`What awaits you today as ${roles.map((role) => ROLE_PHRASES[role]).join(" and ")}. Every count is read from the database when the page opens.`}
      />
      {committee ? (
        <CommitteeHome
          data={{
            votes: committee[0],
            alerts: committee[1],
            challengers: committee[2].map((challenger) => ({ ...challenger, minRequests: minRequests[challenger.riskTier] })),
          }}
        />
      ) : null}
      {analyst ? <AnalystHome data={analyst} /> : null}
      {scientist ? <ScientistHome data={scientist} /> : null}
      {executive ? (
        <ExecutiveHome
          showKpiLink={can(roles, "kpis.read")}
          data={{
            ...summarizePortfolio(executive),
            models: executive.map((entry) => ({
              slug: entry.model.slug,
              displayName: entry.model.displayName,
              health: entry.health,
              reasons: entry.reasons,
              inProduction: entry.inProduction,
            })),
          }}
        />
      ) : null}
      {admin ? <AdminHome data={admin} /> : null}
    </div>
  );
}

import { sql } from "drizzle-orm";
import type { TAdminHome, TAlertCounts, TAnalystHome, TAwaitingVote, TMyVersion, TNavCounts, TRunningChallenger } from "@/lib/types/home";
import type { TVersionStatus } from "@/lib/governance/lifecycle";
import type { TRiskTier } from "@/lib/governance/policy";
import type { TRole } from "@/lib/roles";
import type { TDb } from "../connection";
import { countOpenReviewItems } from "./review";

/**
 * What each role's home page and the navigation's counts read: small, indexed counts and short
 * lists, so that the shell can ask on every page. Review queue counts come from
 * db/queries/review.ts (countOpenReviewItems), so the home, the navigation and /review agree.
 */

// A pending request this user may still vote on: not voted yet, and four-eyes (not its registrant or requester).
const AWAITING_VOTE = (userId: string) => sql`
  from approval_requests r
  join model_versions v on v.id = r.model_version_id
  join models m on m.id = v.model_id
  where r.status = 'pending' and v.status = 'awaiting_approval'
    and r.requested_by <> ${userId} and v.registered_by is distinct from ${userId}::uuid
    and not exists (select 1 from approval_votes av where av.approval_request_id = r.id and av.voter_id = ${userId})`;

/** The navigation's counts, each only for a role that sees it (null otherwise); one round trip. */
export async function getNavCounts(
  db: TDb,
  input: { userId: string; roles: readonly TRole[]; canVote: boolean; canReview: boolean },
): Promise<TNavCounts> {
  const [[row], review] = await Promise.all([
    db.execute<{ votes: number | null; alerts: number }>(sql`
      select
        ${input.canVote ? sql`(select count(*)::int ${AWAITING_VOTE(input.userId)})` : sql`null::int`} as votes,
        (select count(*)::int from alerts where status <> 'resolved') as alerts`),
    // The review queue's own count (db/queries/review.ts), so the navigation and /review agree.
    input.canReview ? countOpenReviewItems(db) : null,
  ]);
  return { awaitingMyVote: row?.votes ?? null, openReviewItems: review?.total ?? null, openAlerts: row?.alerts ?? 0 };
}

/** Versions awaiting this committee member's vote, oldest request first. */
export async function listAwaitingMyVote(db: TDb, userId: string, limit = 20): Promise<TAwaitingVote[]> {
  const rows = await db.execute<{
    slug: string;
    display_name: string;
    risk_tier: TRiskTier;
    version: string;
    created_at: Date | string;
    requested_by: string;
    approvals: number;
    quorum: number;
  }>(sql`
    select m.slug, m.display_name, m.risk_tier, v.version, r.created_at, r.quorum,
           (select u.name from users u where u.id = r.requested_by) as requested_by,
           (select count(*)::int from approval_votes av where av.approval_request_id = r.id and av.decision = 'approve') as approvals
    ${AWAITING_VOTE(userId)}
    order by r.created_at
    limit ${limit}`);
  return rows.map((row) => ({
    modelSlug: row.slug,
    modelName: row.display_name,
    riskTier: row.risk_tier,
    version: row.version,
    requestedAt: new Date(row.created_at),
    requestedByName: row.requested_by,
    approvals: row.approvals,
    quorum: row.quorum,
  }));
}

/** Alerts not resolved yet, by severity, and the open incidents they are grouped into. */
export async function countOpenAlerts(db: TDb): Promise<TAlertCounts> {
  const [row] = await db.execute<TAlertCounts>(sql`
    select count(*) filter (where severity = 'critical')::int as critical,
           count(*) filter (where severity = 'warning')::int as warning,
           count(*) filter (where severity = 'info')::int as info,
           (select count(*)::int from incidents where status <> 'resolved') as incidents
    from alerts where status <> 'resolved'`);
  return { critical: row?.critical ?? 0, warning: row?.warning ?? 0, info: row?.info ?? 0, incidents: row?.incidents ?? 0 };
}

/** Every challenger running in shadow or canary, with what its guard has to judge. */
export async function listRunningChallengers(db: TDb): Promise<TRunningChallenger[]> {
  const rows = await db.execute<{
    slug: string;
    display_name: string;
    risk_tier: TRiskTier;
    version: string;
    mode: "shadow" | "canary";
    canary_percent: number;
    updated_at: Date | string;
    challenger: number;
    champion: number;
    guard_alerts: number;
    business_verdict: TRunningChallenger["businessVerdict"];
  }>(sql`
    select m.slug, m.display_name, m.risk_tier, v.version, d.mode, d.canary_percent, d.updated_at,
           (select count(*)::int from predictions p where p.model_version_id = d.challenger_version_id
              and p.created_at > now() - interval '1 hour' and p.role <> 'shadow') as challenger,
           (select count(*)::int from predictions p where p.model_version_id = d.champion_version_id
              and p.created_at > now() - interval '1 hour' and p.role = 'champion') as champion,
           (select count(*)::int from alerts a where a.model_id = m.id and a.status <> 'resolved'
              and a.title ilike 'canary%') as guard_alerts,
           (select b.verdict from canary_business_verdicts b where b.model_id = d.model_id
              and b.challenger_version_id = d.challenger_version_id and b.champion_version_id = d.champion_version_id) as business_verdict
    from deployments d
    join models m on m.id = d.model_id
    join model_versions v on v.id = d.challenger_version_id
    where d.mode in ('shadow', 'canary')
    order by d.mode desc, m.display_name`);
  return rows.map((row) => ({
    modelSlug: row.slug,
    modelName: row.display_name,
    riskTier: row.risk_tier,
    version: row.version,
    mode: row.mode,
    canaryPercent: row.canary_percent,
    since: new Date(row.updated_at),
    challengerRequestsLastHour: row.challenger,
    championRequestsLastHour: row.champion,
    openGuardAlerts: row.guard_alerts,
    businessVerdict: row.business_verdict ?? null,
  }));
}

/** The analyst's view: items they hold (claim not expired), the queue by SLA state, and what they decided today (UTC). */
export async function getAnalystHome(db: TDb, userId: string): Promise<TAnalystHome> {
  const [claims, queue, [decided]] = await Promise.all([
    db.execute<{ id: string; display_name: string; reason: string; due_at: Date | string; claim_expires_at: Date | string }>(sql`
      select i.id, m.display_name, i.reason, i.due_at, i.claim_expires_at
      from review_items i join models m on m.id = i.model_id
      where i.status = 'claimed' and i.claimed_by = ${userId} and i.claim_expires_at > now()
      order by i.due_at limit 20`),
    // The queue's SLA states as /review counts them.
    countOpenReviewItems(db),
    db.execute<{ count: number }>(sql`
      select count(*)::int as count from review_items
      where status = 'decided' and decided_by = ${userId} and decided_at >= date_trunc('day', now() at time zone 'UTC') at time zone 'UTC'`),
  ]);
  return {
    claims: claims.map((row) => ({
      id: row.id,
      modelName: row.display_name,
      reason: row.reason,
      dueAt: new Date(row.due_at),
      claimExpiresAt: new Date(row.claim_expires_at),
    })),
    queue: { overdue: queue.overdue, dueSoon: queue.dueSoon, onTrack: queue.onTrack, total: queue.total },
    decidedToday: decided?.count ?? 0,
  };
}

/** The scientist's versions (registered by them), newest first, with the failed gates of each one's latest run. */
export async function listMyVersions(
  db: TDb,
  userId: string,
  limit = 50,
): Promise<{ versions: TMyVersion[]; byStatus: Record<string, number> }> {
  const [rows, counts] = await Promise.all([
    db.execute<{
      slug: string;
      display_name: string;
      version: string;
      status: TVersionStatus;
      created_at: Date | string;
      failed: string[] | null;
    }>(sql`
      select m.slug, m.display_name, v.version, v.status, v.created_at,
             (select array_agg(g.gate order by g.gate) from gate_results g
                where g.validation_run_id = (select run.id from validation_runs run where run.model_version_id = v.id
                                              and run.status in ('passed', 'failed', 'error') order by run.started_at desc limit 1)
                  and not g.passed) as failed
      from model_versions v join models m on m.id = v.model_id
      where v.registered_by = ${userId}
      order by v.created_at desc
      limit ${limit}`),
    db.execute<{ status: string; count: number }>(sql`
      select status, count(*)::int as count from model_versions where registered_by = ${userId} group by status`),
  ]);
  return {
    versions: rows.map((row) => ({
      modelSlug: row.slug,
      modelName: row.display_name,
      version: row.version,
      status: row.status,
      createdAt: new Date(row.created_at),
      failedGates: row.failed ?? [],
    })),
    byStatus: Object.fromEntries(counts.map((row) => [row.status, row.count])),
  };
}

/** The admin's view: users (with and without a role, disabled), active API keys, and the latest policy changes. */
export async function getAdminHome(db: TDb): Promise<TAdminHome> {
  const [[users], [keys], changes] = await Promise.all([
    db.execute<{ total: number; without_role: number; disabled: number }>(sql`
      select count(*)::int as total,
             count(*) filter (where cardinality(roles) = 0 and disabled_at is null)::int as without_role,
             count(*) filter (where disabled_at is not null)::int as disabled
      from users`),
    db.execute<{ active: number; stale: number }>(sql`
      select count(*)::int as active,
             count(*) filter (where coalesce(last_used_at, created_at) < now() - interval '30 days')::int as stale
      from api_keys where revoked_at is null`),
    db.execute<{ occurred_at: Date | string; actor_label: string; tier: string | null }>(sql`
      select occurred_at, actor_label, coalesce(input->>'tier', subject_id) as tier
      from audit_records where action = 'admin.policy_changed'
      order by sequence desc limit 5`),
  ]);
  return {
    users: { total: users?.total ?? 0, withoutRole: users?.without_role ?? 0, disabled: users?.disabled ?? 0 },
    keys: { active: keys?.active ?? 0, unusedFor30Days: keys?.stale ?? 0 },
    policyChanges: changes.map((row) => ({ occurredAt: new Date(row.occurred_at), actorLabel: row.actor_label, tier: row.tier })),
  };
}

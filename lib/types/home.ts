import type { TVersionStatus } from "@/lib/governance/lifecycle";
import type { TRiskTier } from "@/lib/governance/policy";

/** What each role's home page and the navigation show (read by db/queries/home.ts, drawn by components/home). */

export type TNavCounts = { awaitingMyVote: number | null; openReviewItems: number | null; openAlerts: number };

export type TAwaitingVote = {
  modelSlug: string;
  modelName: string;
  riskTier: TRiskTier;
  version: string;
  requestedAt: Date;
  requestedByName: string;
  approvals: number;
  quorum: number;
};

export type TAlertCounts = { critical: number; warning: number; info: number; incidents: number };

export type TRunningChallenger = {
  modelSlug: string;
  modelName: string;
  riskTier: TRiskTier;
  version: string;
  mode: "shadow" | "canary";
  canaryPercent: number;
  since: Date;
  /** Requests each arm answered in the last hour: the canary guard judges nothing before its tier's minimum. */
  challengerRequestsLastHour: number;
  championRequestsLastHour: number;
  /** Open alerts raised by the canary guard on this model. */
  openGuardAlerts: number;
  /** The canary guard's last verdict on the business value (null before its first pass, or for a shadow). */
  businessVerdict: "hold" | "recommend_promotion" | "keep_collecting" | "insufficient_data" | null;
};

type TMyClaim = { id: string; modelName: string; reason: string; dueAt: Date; claimExpiresAt: Date };

type TQueueBySla = { overdue: number; dueSoon: number; onTrack: number; total: number };

export type TMyVersion = {
  modelSlug: string;
  modelName: string;
  version: string;
  status: TVersionStatus;
  createdAt: Date;
  /** Gates that did not pass in the version's latest validation run. */
  failedGates: string[];
};

type TPolicyChange = { occurredAt: Date; actorLabel: string; tier: string | null };

export type TAnalystHome = { claims: TMyClaim[]; queue: TQueueBySla; decidedToday: number };

export type TAdminHome = {
  users: { total: number; withoutRole: number; disabled: number };
  keys: { active: number; unusedFor30Days: number };
  policyChanges: TPolicyChange[];
};

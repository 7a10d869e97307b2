import "server-only";
import type { TDatabase } from "@/db/connection";
import type { TActor } from "@/db/writes/actor";
import { moveDeployment, replaceFallbackRules, setKillSwitch as writeKillSwitch } from "@/db/writes/deployment";
import {
  castApprovalVote as writeVote,
  requestApproval as writeApprovalRequest,
  requestValidation as writeValidationRequest,
} from "@/db/writes/governance";
import type { TVoteDecision } from "@/lib/governance/approval";
import type { TVersionDeploymentAction } from "@/lib/governance/lifecycle";
import type { TRole } from "@/lib/roles";

/**
 * The console's governance actions, as its server actions call them: each hands the signed-in
 * user to the one writer in db/writes, which checks the permission table, the state machine and
 * the revision, and writes with its audit record in one transaction.
 */
export type TGovernanceUser = { id: string; email: string; roles: readonly TRole[] };
export type TDeploymentAction = TVersionDeploymentAction;

function actorOf(user: TGovernanceUser): TActor & { id: string; roles: readonly TRole[] } {
  return { id: user.id, label: user.email, roles: user.roles };
}

/** Shadow, canary, percent, promote, rollback, withdraw or retire, on the revision the user saw. */
export async function performDeploymentAction(
  db: TDatabase,
  input: {
    user: TGovernanceUser;
    modelSlug: string;
    versionId: string;
    action: TDeploymentAction;
    expectedRevision: number;
    canaryPercent?: number;
    reason?: string;
  },
) {
  const { revision, version } = await moveDeployment(db, {
    model: { slug: input.modelSlug },
    actor: actorOf(input.user),
    action: input.action,
    versionId: input.versionId,
    expectedRevision: input.expectedRevision,
    canaryPercent: input.canaryPercent,
    reason: input.reason,
  });
  return { revision, status: version.status };
}

/** Turns the kill switch on or off: the workers answer from the fallback rules while it is on. */
export async function setKillSwitch(
  db: TDatabase,
  input: { user: TGovernanceUser; modelSlug: string; on: boolean; expectedRevision: number; reason?: string },
) {
  return writeKillSwitch(db, {
    model: { slug: input.modelSlug },
    actor: actorOf(input.user),
    on: input.on,
    expectedRevision: input.expectedRevision,
    reason: input.reason,
  });
}

/** Re-runs the validation gates on demand (the worker picks the run up). */
export async function requestValidation(db: TDatabase, input: { user: TGovernanceUser; versionId: string }) {
  return writeValidationRequest(db, { actor: actorOf(input.user), versionId: input.versionId });
}

/** Asks the committee to approve a validated version; the quorum comes from the risk tier's policy. */
export async function requestApproval(db: TDatabase, input: { user: TGovernanceUser; versionId: string; note?: string }) {
  return writeApprovalRequest(db, { actor: actorOf(input.user), versionId: input.versionId, note: input.note });
}

/** A committee vote; when it completes the quorum (or rejects) the version moves on, in the same transaction. */
export async function castApprovalVote(
  db: TDatabase,
  input: { user: TGovernanceUser; versionId: string; decision: TVoteDecision; comment: string },
) {
  return writeVote(db, { voter: actorOf(input.user), versionId: input.versionId, decision: input.decision, comment: input.comment });
}

/** Replaces a model's fallback rules (committee); workers reload them with the deployment's next revision. */
export async function updateFallbackRules(db: TDatabase, input: { user: TGovernanceUser; modelSlug: string; rules: unknown }) {
  return replaceFallbackRules(db, { modelSlug: input.modelSlug, actor: actorOf(input.user), rules: input.rules });
}

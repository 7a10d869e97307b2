import { z } from "zod";
import { DomainError } from "../errors";
import { ACTOR_ROLES, can, rolesWith, type TActorRole, type TPermission } from "../permissions";
import { ROLE_PHRASES } from "../roles";
import type { TVoteOutcome } from "./approval";

/**
 * The life of a model version (lib/governance/README.md draws it). A rolled-back champion becomes `retired` like any
 * replaced champion: the deployment's audit record (`deployment.rollback`, with its reason) says
 * why, and the version list stays one status shorter.
 */
export const VERSION_STATUSES = [
  "registered",
  "validating",
  "validated",
  "validation_failed",
  "awaiting_approval",
  "approved",
  "rejected",
  "shadow",
  "canary",
  "champion",
  "retired",
] as const;
export const ZVersionStatus = z.enum(VERSION_STATUSES);
export type TVersionStatus = z.infer<typeof ZVersionStatus>;

const VERSION_STATUS_LABELS: Record<TVersionStatus, string> = {
  registered: "registered",
  validating: "validating",
  validated: "validated",
  validation_failed: "validation failed",
  awaiting_approval: "awaiting approval",
  approved: "approved",
  rejected: "rejected",
  shadow: "shadow",
  canary: "canary",
  champion: "champion",
  retired: "retired",
};

/** A version status in words ("awaiting approval"); unknown values come back as they are. */
export const versionStatusLabel = (status: string): string => VERSION_STATUS_LABELS[status as TVersionStatus] ?? status;

/** Actions on one version; each is one row or more of TRANSITIONS. */
export const VERSION_ACTIONS = [
  "start_validation",
  "record_validation_passed",
  "record_validation_failed",
  "request_approval",
  "approve",
  "reject",
  "start_shadow",
  "start_canary",
  "set_canary_percent",
  "promote",
  "rollback",
  "withdraw",
  "retire",
  "vote",
] as const;
export type TVersionAction = (typeof VERSION_ACTIONS)[number];

/** Actions that move no version's status: on a model, its deployment's kill switch, or the policy. */
export const MODEL_ACTIONS = [
  "create_model",
  "edit_model",
  "register_version",
  "kill_switch_on",
  "kill_switch_off",
  "edit_fallback_rules",
  "edit_policy",
] as const;
export type TModelAction = (typeof MODEL_ACTIONS)[number];

export const GOVERNANCE_ACTIONS = [...VERSION_ACTIONS, ...MODEL_ACTIONS] as const;
export type TGovernanceAction = (typeof GOVERNANCE_ACTIONS)[number];

const ACTION_LABELS: Record<TGovernanceAction, string> = {
  start_validation: "start validation",
  record_validation_passed: "record that validation passed",
  record_validation_failed: "record that validation failed",
  request_approval: "request approval",
  approve: "approve a version",
  reject: "reject a version",
  start_shadow: "run a version in shadow",
  start_canary: "start a canary",
  set_canary_percent: "change the canary's share of traffic",
  promote: "promote a version to champion",
  rollback: "roll back the champion",
  withdraw: "withdraw a version from traffic",
  retire: "retire a version",
  vote: "vote on an approval request",
  create_model: "create a model",
  edit_model: "edit a model",
  register_version: "register a version",
  kill_switch_on: "turn the kill switch on",
  kill_switch_off: "turn the kill switch off",
  edit_fallback_rules: "edit the fallback rules",
  edit_policy: "edit a governance policy",
};

/** One allowed move: `action` takes a version in any of `from` to `to`, done by whoever holds `permission` (lib/permissions.ts). */
type TTransition = {
  action: TVersionAction;
  from: readonly TVersionStatus[];
  to: TVersionStatus | "unchanged";
  permission: TPermission;
};

/**
 * Every allowed transition; a (status, action) pair with no row is refused with 409. Separation of
 * duties: scientists build and ask; the committee decides and moves traffic; admins may do the
 * registry's housekeeping (validate, ask, retire what serves no traffic) but never decide or
 * deploy; the system records what its jobs measured and pulls a misbehaving canary. Who holds
 * each capability is lib/permissions.ts's business: the roles are written down there only.
 */
const TRANSITIONS: readonly TTransition[] = [
  { action: "start_validation", from: ["registered", "validation_failed", "rejected"], to: "validating", permission: "version.validate" },
  { action: "record_validation_passed", from: ["validating"], to: "validated", permission: "version.record_validation" },
  { action: "record_validation_failed", from: ["validating"], to: "validation_failed", permission: "version.record_validation" },
  { action: "request_approval", from: ["validated"], to: "awaiting_approval", permission: "version.request_approval" },
  // approve and reject are the outcome of votes (approval.ts), not decisions of one person.
  { action: "approve", from: ["awaiting_approval"], to: "approved", permission: "version.vote" },
  { action: "reject", from: ["awaiting_approval"], to: "rejected", permission: "version.vote" },
  // From canary back to shadow is how the committee takes live traffic away but keeps comparing.
  { action: "start_shadow", from: ["approved", "canary"], to: "shadow", permission: "deployment.move" },
  { action: "start_canary", from: ["approved", "shadow"], to: "canary", permission: "deployment.move" },
  { action: "set_canary_percent", from: ["canary"], to: "unchanged", permission: "deployment.move" },
  // Straight from approved is allowed: the first version of a model has nothing to shadow, and an urgent fix may not wait.
  { action: "promote", from: ["approved", "shadow", "canary"], to: "champion", permission: "deployment.move" },
  { action: "rollback", from: ["champion"], to: "retired", permission: "deployment.move" },
  // The canary guard withdraws a misbehaving challenger; it stays approved for the committee to judge.
  { action: "withdraw", from: ["shadow", "canary"], to: "approved", permission: "deployment.withdraw" },
  {
    action: "retire",
    from: ["registered", "validated", "validation_failed", "awaiting_approval", "approved", "rejected"],
    to: "retired",
    permission: "version.retire_idle",
  },
  // Taking a version off traffic, or decommissioning the model, is a deployment decision.
  { action: "retire", from: ["shadow", "canary", "champion"], to: "retired", permission: "deployment.move" },
  { action: "vote", from: ["awaiting_approval"], to: "unchanged", permission: "version.vote" },
];

/** The capability each action that moves no version needs. */
const MODEL_ACTION_PERMISSIONS: Record<TModelAction, TPermission> = {
  create_model: "model.create",
  edit_model: "model.edit",
  register_version: "version.register",
  kill_switch_on: "deployment.kill_switch",
  kill_switch_off: "deployment.kill_switch",
  edit_fallback_rules: "deployment.fallback_rules",
  edit_policy: "policy.edit",
};

function isModelAction(action: TGovernanceAction): action is TModelAction {
  return (MODEL_ACTIONS as readonly string[]).includes(action);
}

/** The role table: every action and the roles that may take it in at least one status. */
export const ACTION_ROLES = Object.fromEntries(
  GOVERNANCE_ACTIONS.map((action): [TGovernanceAction, readonly TActorRole[]] => [
    action,
    ACTOR_ROLES.filter((role) =>
      isModelAction(action)
        ? can([role], MODEL_ACTION_PERMISSIONS[action])
        : TRANSITIONS.some((row) => row.action === action && can([role], row.permission)),
    ),
  ]),
) as Record<TGovernanceAction, readonly TActorRole[]>;

/** Shown in the UI as a vote, not as buttons of their own. */
const VOTE_OUTCOME_ACTIONS: readonly TVersionAction[] = ["approve", "reject"];

const MIN_CANARY_PERCENT = 1;
// Beyond half of the traffic a canary is no longer a canary: promote it instead.
const MAX_CANARY_PERCENT = 50;

function phraseFor(role: TActorRole): string {
  return role === "system" ? "the system (a worker job)" : ROLE_PHRASES[role];
}

function joinWithOr(parts: readonly string[]): string {
  return parts.length <= 1 ? parts.join("") : `${parts.slice(0, -1).join(", ")} or ${parts[parts.length - 1]}`;
}

function forbidden(action: TGovernanceAction, roles: readonly TActorRole[], status?: TVersionStatus): DomainError {
  const when = status ? ` while the version is "${VERSION_STATUS_LABELS[status]}"` : "";
  return new DomainError("forbidden", `Only ${joinWithOr(roles.map(phraseFor))} may ${ACTION_LABELS[action]}${when}.`, 403);
}

/** The roles holding a capability, in ACTOR_ROLES order so that messages read the same every time. */
function rolesHolding(permission: TPermission): TActorRole[] {
  return ACTOR_ROLES.filter((role) => rolesWith(permission).includes(role));
}

/** Whether these roles may take the action in at least one status: the role table, state aside. */
export function mayPerform({ action, actorRoles }: { action: TGovernanceAction; actorRoles: readonly TActorRole[] }): boolean {
  return actorRoles.some((role) => ACTION_ROLES[action].includes(role));
}

/** Throws a 403 DomainError unless these roles may take the action; for the actions that move no status. */
export function assertMayPerformOrThrow({ action, actorRoles }: { action: TGovernanceAction; actorRoles: readonly TActorRole[] }): void {
  if (!mayPerform({ action, actorRoles })) throw forbidden(action, ACTION_ROLES[action]);
}

function transitionFor(action: TVersionAction, status: TVersionStatus): TTransition | undefined {
  return TRANSITIONS.find((row) => row.action === action && row.from.includes(status));
}

function transitionForOrThrow(action: TVersionAction, status: TVersionStatus): TTransition {
  const row = transitionFor(action, status);
  if (!row) {
    const allowed = VERSION_STATUSES.filter((candidate) => transitionFor(action, candidate)).map(
      (candidate) => `"${VERSION_STATUS_LABELS[candidate]}"`,
    );
    throw new DomainError(
      "invalid_transition",
      `Cannot ${ACTION_LABELS[action]} while the version is "${VERSION_STATUS_LABELS[status]}"; it must be ${joinWithOr(allowed)}.`,
      409,
    );
  }
  return row;
}

function assertCanaryPercentOrThrow(canaryPercent: number | undefined): number {
  if (
    canaryPercent === undefined ||
    !Number.isInteger(canaryPercent) ||
    canaryPercent < MIN_CANARY_PERCENT ||
    canaryPercent > MAX_CANARY_PERCENT
  ) {
    const given = canaryPercent === undefined ? "; none was given" : `, not ${canaryPercent}`;
    throw new DomainError(
      "invalid_canary_percent",
      `A canary takes a whole percent of traffic from ${MIN_CANARY_PERCENT} to ${MAX_CANARY_PERCENT}${given}.`,
      422,
    );
  }
  return canaryPercent;
}

/** A change another version undergoes because of this action, named by its place in the deployment. */
type TSideEffect = { subject: "current_champion" | "previous_champion"; to: TVersionStatus; sentence: string };

export type TTransitionPlan = { action: TVersionAction; from: TVersionStatus; to: TVersionStatus; sideEffects: TSideEffect[] };

export type TTransitionContext = {
  /** For start_canary and set_canary_percent. */
  canaryPercent?: number;
  /** For approve and reject: the tally of the request's votes (tallyVotes in approval.ts). */
  voteOutcome?: TVoteOutcome;
};

const SIDE_EFFECTS: Partial<Record<TVersionAction, TSideEffect[]>> = {
  promote: [
    {
      subject: "current_champion",
      to: "retired",
      sentence: "The current champion, if there is one, retires and is kept as the previous champion for a rollback.",
    },
  ],
  rollback: [{ subject: "previous_champion", to: "champion", sentence: "The previous champion becomes champion again." }],
};

export type TPlanTransitionInput = {
  action: TVersionAction;
  version: { status: TVersionStatus };
  actorRoles: readonly TActorRole[];
  context?: TTransitionContext;
};

/**
 * The status a version moves to under `action`, with the side effects on other versions, or a
 * DomainError saying why not: 403 `forbidden` for roles that may not act, 409 `invalid_transition`
 * for a version in the wrong status (`quorum_not_reached` / `no_rejecting_vote` when the votes do
 * not support approve / reject), 422 `invalid_canary_percent` for a percent outside 1–50.
 */
export function planTransition({ action, version, actorRoles, context = {} }: TPlanTransitionInput): TTransitionPlan {
  // Roles first, so that a refused user learns nothing about the version's state.
  if (!mayPerform({ action, actorRoles })) throw forbidden(action, ACTION_ROLES[action]);
  const row = transitionForOrThrow(action, version.status);
  if (!can(actorRoles, row.permission)) throw forbidden(action, rolesHolding(row.permission), version.status);
  if (action === "start_canary" || action === "set_canary_percent") assertCanaryPercentOrThrow(context.canaryPercent);
  if (action === "approve" && context.voteOutcome !== "approved") {
    throw new DomainError("quorum_not_reached", "The version cannot be approved before the quorum of committee approvals is reached.", 409);
  }
  if (action === "reject" && context.voteOutcome !== "rejected") {
    throw new DomainError("no_rejecting_vote", "A version is rejected only through a committee member's rejecting vote.", 409);
  }
  return { action, from: version.status, to: row.to === "unchanged" ? version.status : row.to, sideEffects: SIDE_EFFECTS[action] ?? [] };
}

/**
 * The version actions these roles may take now, in VERSION_ACTIONS order, for deciding which
 * buttons to show (the server still checks). approve and reject are left out: they follow from
 * votes. Given the deployment, moves it would refuse (a second challenger, a rollback with
 * nothing to return to) are left out too.
 */
export function allowedActions(input: {
  status: TVersionStatus;
  actorRoles: readonly TActorRole[];
  deploymentContext?: { deployment: TDeploymentSnapshot; versionId: string };
}): TVersionAction[] {
  return VERSION_ACTIONS.filter((action) => {
    if (VOTE_OUTCOME_ACTIONS.includes(action)) return false;
    const row = transitionFor(action, input.status);
    if (!row || !can(input.actorRoles, row.permission)) return false;
    if (!input.deploymentContext || !isVersionDeploymentAction(action)) return true;
    try {
      applyDeploymentAction(input.deploymentContext.deployment, {
        action,
        version: { id: input.deploymentContext.versionId, status: input.status },
        // Any valid percent: the question is whether the move is possible at all.
        canaryPercent: MIN_CANARY_PERCENT,
      });
      return true;
    } catch {
      return false;
    }
  });
}

export const DEPLOYMENT_MODES = ["off", "shadow", "canary"] as const;
export type TDeploymentMode = (typeof DEPLOYMENT_MODES)[number];

/**
 * One model's deployment row. applyDeploymentAction keeps its invariants: mode is off exactly
 * when there is no challenger; canaryPercent is 1–50 in canary mode and 0 otherwise; a challenger
 * needs a champion; revision grows by one with every change, so two concurrent writers cannot both win.
 */
export type TDeploymentSnapshot = {
  championVersionId: string | null;
  challengerVersionId: string | null;
  previousChampionVersionId: string | null;
  mode: TDeploymentMode;
  /** 1–MAX_CANARY_PERCENT in canary mode, 0 otherwise. */
  canaryPercent: number;
  killSwitch: boolean;
  revision: number;
};

export const EMPTY_DEPLOYMENT: TDeploymentSnapshot = {
  championVersionId: null,
  challengerVersionId: null,
  previousChampionVersionId: null,
  mode: "off",
  canaryPercent: 0,
  killSwitch: false,
  revision: 0,
};

/** The version actions that may move the deployment row. */
const VERSION_DEPLOYMENT_ACTIONS = [
  "start_shadow",
  "start_canary",
  "set_canary_percent",
  "promote",
  "rollback",
  "withdraw",
  "retire",
] as const;
export type TVersionDeploymentAction = (typeof VERSION_DEPLOYMENT_ACTIONS)[number];
export type TDeploymentAction = TVersionDeploymentAction | "kill_switch_on" | "kill_switch_off";

function isVersionDeploymentAction(action: TGovernanceAction): action is TVersionDeploymentAction {
  return (VERSION_DEPLOYMENT_ACTIONS as readonly string[]).includes(action);
}

export type TDeploymentActionInput =
  | { action: "kill_switch_on" | "kill_switch_off" }
  | { action: TVersionDeploymentAction; version: { id: string; status: TVersionStatus }; canaryPercent?: number };

type TStatusChange = { versionId: string; from: TVersionStatus; to: TVersionStatus };

/** The new row, whether it differs from the old, and every version whose status changes. */
export type TDeploymentChange<TRow extends TDeploymentSnapshot = TDeploymentSnapshot> = {
  deployment: TRow;
  changed: boolean;
  statusChanges: TStatusChange[];
};

const OFF_TRAFFIC = { challengerVersionId: null, mode: "off", canaryPercent: 0 } as const;

function conflict(code: string, message: string): DomainError {
  return new DomainError(code, message, 409);
}

type TMove = { fields: Partial<TDeploymentSnapshot>; others: TStatusChange[] };

/** The deployment side of a move; `versionId` and `status` are undefined for the kill switch. */
function moveDeployment(
  deployment: TDeploymentSnapshot,
  input: { action: TDeploymentAction; versionId?: string; status?: TVersionStatus; canaryPercent?: number },
): TMove {
  const { action, versionId, status } = input;
  if (action === "kill_switch_on" || action === "kill_switch_off") {
    const on = action === "kill_switch_on";
    if (deployment.killSwitch === on)
      throw conflict(on ? "kill_switch_already_on" : "kill_switch_already_off", `The kill switch is already ${on ? "on" : "off"}.`);
    return { fields: { killSwitch: on }, others: [] };
  }
  const isChallenger = versionId !== undefined && deployment.challengerVersionId === versionId;
  const isChampion = versionId !== undefined && deployment.championVersionId === versionId;
  const assertChallengerSlotFreeOrThrow = () => {
    if (deployment.challengerVersionId !== null && !isChallenger)
      throw conflict("challenger_busy", "Another version is already the challenger; withdraw or promote it first.");
  };
  const assertIsChallengerOrThrow = () => {
    if (!isChallenger) throw conflict("not_challenger", "This version is not the model's challenger.");
  };

  switch (action) {
    case "start_shadow":
    case "start_canary": {
      const canaryPercent = action === "start_canary" ? assertCanaryPercentOrThrow(input.canaryPercent) : 0;
      if (deployment.championVersionId === null)
        throw conflict("no_champion", "There is no champion to compare with; promote a first version before running a challenger.");
      if (isChampion) throw conflict("already_champion", "This version is already the champion.");
      assertChallengerSlotFreeOrThrow();
      const mode = action === "start_shadow" ? "shadow" : "canary";
      return { fields: { challengerVersionId: versionId, mode, canaryPercent }, others: [] };
    }
    case "set_canary_percent": {
      const canaryPercent = assertCanaryPercentOrThrow(input.canaryPercent);
      if (!isChallenger || deployment.mode !== "canary") throw conflict("not_canary", "This version is not running as the model's canary.");
      return { fields: { canaryPercent }, others: [] };
    }
    case "promote": {
      if (isChampion) throw conflict("already_champion", "This version is already the champion.");
      assertChallengerSlotFreeOrThrow();
      if (status === "shadow" || status === "canary") assertIsChallengerOrThrow();
      const retiring: TStatusChange[] =
        deployment.championVersionId === null ? [] : [{ versionId: deployment.championVersionId, from: "champion", to: "retired" }];
      return {
        fields: { ...OFF_TRAFFIC, championVersionId: versionId, previousChampionVersionId: deployment.championVersionId },
        others: retiring,
      };
    }
    case "rollback": {
      if (!isChampion) throw conflict("not_champion", "Only the model's current champion can be rolled back.");
      const previous = deployment.previousChampionVersionId;
      if (previous === null) throw conflict("no_previous_champion", "There is no previous champion to return to.");
      // A running challenger stays: it is still approved, and now compares with the restored champion.
      return {
        fields: { championVersionId: previous, previousChampionVersionId: null },
        others: [{ versionId: previous, from: "retired", to: "champion" }],
      };
    }
    case "withdraw":
      assertIsChallengerOrThrow();
      return { fields: OFF_TRAFFIC, others: [] };
    case "retire": {
      if (isChallenger) return { fields: OFF_TRAFFIC, others: [] };
      if (isChampion) {
        if (deployment.challengerVersionId !== null)
          throw conflict(
            "challenger_running",
            "A challenger is running against this champion; withdraw or promote it before retiring the champion.",
          );
        // The model is decommissioned: with no champion the worker answers from the fallback rules.
        return { fields: { championVersionId: null }, others: [] };
      }
      if (status === "shadow" || status === "canary" || status === "champion") {
        throw conflict("not_deployed", "This version's status says it serves traffic, but the model's deployment does not name it.");
      }
      return { fields: {}, others: [] };
    }
  }
}

/**
 * The deployment row after a deployment action, with every status change it implies (the version
 * acted on, the champion a promotion replaces, the champion a rollback restores). Refuses with 409
 * the moves this deployment cannot make (a second challenger, a canary with no champion, a
 * rollback with no previous champion, …) and with 422 a bad canary percent. The version's status
 * is checked against TRANSITIONS; roles are planTransition's business.
 */
export function applyDeploymentAction<TRow extends TDeploymentSnapshot>(
  deployment: TRow,
  input: TDeploymentActionInput,
): TDeploymentChange<TRow> {
  let move: TMove;
  let statusChanges: TStatusChange[] = [];
  if (!("version" in input)) {
    move = moveDeployment(deployment, { action: input.action });
  } else {
    const { version } = input;
    const row = transitionForOrThrow(input.action, version.status);
    move = moveDeployment(deployment, {
      action: input.action,
      versionId: version.id,
      status: version.status,
      canaryPercent: input.canaryPercent,
    });
    const to = row.to === "unchanged" ? version.status : row.to;
    const own: TStatusChange[] = to === version.status ? [] : [{ versionId: version.id, from: version.status, to }];
    // Rollback lists the restored champion after the retiring one; the others come first otherwise.
    statusChanges = input.action === "rollback" ? [...own, ...move.others] : [...move.others, ...own];
  }
  const next = { ...deployment, ...move.fields };
  const changed = (Object.keys(move.fields) as Array<keyof TDeploymentSnapshot>).some((key) => next[key] !== deployment[key]);
  return { deployment: { ...next, revision: deployment.revision + (changed ? 1 : 0) }, changed, statusChanges };
}

// Taking traffic back or switching a model off is read about later, in the audit trail: it must say why.
const REASON_REQUIRED_ACTIONS: readonly TDeploymentAction[] = ["rollback", "kill_switch_on", "kill_switch_off"];
const MIN_REASON_LENGTH = 5;

/**
 * The reason given for a deployment action, trimmed, or null when none was given. Rollback and the
 * kill switch need one of at least 5 characters (422 `reason_required`): it goes into the audit trail.
 */
export function reasonForOrThrow(action: TDeploymentAction, reason: string | null | undefined): string | null {
  const trimmed = reason?.trim() ?? "";
  if (REASON_REQUIRED_ACTIONS.includes(action) && [...trimmed].length < MIN_REASON_LENGTH) {
    throw new DomainError(
      "reason_required",
      `Give a reason (at least ${MIN_REASON_LENGTH} characters): it goes into the audit trail.`,
      422,
    );
  }
  return trimmed || null;
}

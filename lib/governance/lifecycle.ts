import { z } from "zod";
import { DomainError } from "../errors";
import type { TRole } from "../roles";

/** The life of a model version (DESIGN.md): registered → … → champion → retired. */
export const VERSION_STATUSES = [
  "registered", "validating", "validated", "validation_failed", "awaiting_approval", "approved", "rejected", "shadow", "canary", "champion", "retired",
] as const;
export const ZVersionStatus = z.enum(VERSION_STATUSES);
export type TVersionStatus = z.infer<typeof ZVersionStatus>;

/** Who acts: a person with roles, or the worker's jobs (validation, canary guard). */
export type TActor = { kind: "user"; roles: readonly TRole[]; id: string } | { kind: "system" };

export const VERSION_ACTIONS = [
  "start_validation", "record_validation_passed", "record_validation_failed", "request_approval", "approve", "reject",
  "start_shadow", "start_canary", "set_canary_percent", "promote", "rollback", "withdraw", "retire",
] as const;
export type TVersionAction = (typeof VERSION_ACTIONS)[number];

type TRule = { from: readonly TVersionStatus[]; to: TVersionStatus | "same"; roles: readonly TRole[]; system: boolean; summary: string };

/**
 * Every allowed move. `roles` may act in person; `system` marks moves the worker's jobs make.
 * approve / reject are reached through votes (see approval.ts) once the quorum or a rejection is in.
 */
export const TRANSITIONS: Record<TVersionAction, TRule> = {
  start_validation: { from: ["registered", "validation_failed", "rejected"], to: "validating", roles: ["scientist", "committee", "admin"], system: true, summary: "run the validation gates" },
  record_validation_passed: { from: ["validating"], to: "validated", roles: [], system: true, summary: "record that every gate passed" },
  record_validation_failed: { from: ["validating"], to: "validation_failed", roles: [], system: true, summary: "record that a gate failed" },
  request_approval: { from: ["validated"], to: "awaiting_approval", roles: ["scientist", "admin"], system: false, summary: "ask the committee to approve" },
  approve: { from: ["awaiting_approval"], to: "approved", roles: ["committee"], system: false, summary: "approve (quorum reached)" },
  reject: { from: ["awaiting_approval"], to: "rejected", roles: ["committee"], system: false, summary: "reject" },
  start_shadow: { from: ["approved", "canary"], to: "shadow", roles: ["committee"], system: false, summary: "run in shadow beside the champion" },
  start_canary: { from: ["approved", "shadow"], to: "canary", roles: ["committee"], system: false, summary: "answer a share of traffic" },
  set_canary_percent: { from: ["canary"], to: "same", roles: ["committee"], system: false, summary: "change the canary's share" },
  promote: { from: ["approved", "shadow", "canary"], to: "champion", roles: ["committee"], system: false, summary: "make it the champion" },
  rollback: { from: ["champion"], to: "retired", roles: ["committee"], system: false, summary: "return to the previous champion" },
  withdraw: { from: ["shadow", "canary"], to: "approved", roles: ["committee"], system: true, summary: "take it off traffic (the canary guard does this too)" },
  retire: { from: ["registered", "validated", "validation_failed", "awaiting_approval", "approved", "rejected", "shadow", "canary"], to: "retired", roles: ["committee", "admin"], system: false, summary: "retire it for good" },
};

export const MAX_CANARY_PERCENT = 50;

function actorMayAct(rule: TRule, actor: TActor): boolean {
  return actor.kind === "system" ? rule.system : actor.roles.some((role) => rule.roles.includes(role));
}

/**
 * The status a version moves to under `action`, or a DomainError saying why not: 403 for a role
 * that may not act, 409 for a version in the wrong state, 422 for bad input.
 */
export function planTransition(input: { action: TVersionAction; status: TVersionStatus; actor: TActor; canaryPercent?: number }): TVersionStatus {
  const rule = TRANSITIONS[input.action];
  if (!actorMayAct(rule, input.actor)) {
    const who = rule.roles.length ? `the ${rule.roles.join(" or ")} role` : "the system (a worker job)";
    throw new DomainError("forbidden", `Only ${who} may ${rule.summary}.`, 403);
  }
  if (!rule.from.includes(input.status)) {
    throw new DomainError("invalid_transition", `Cannot ${rule.summary} a version that is ${input.status.replace(/_/g, " ")}; it must be ${rule.from.map((status) => status.replace(/_/g, " ")).join(" or ")}.`, 409);
  }
  if (input.action === "start_canary" || input.action === "set_canary_percent") {
    const percent = input.canaryPercent;
    if (percent === undefined || !Number.isInteger(percent) || percent < 1 || percent > MAX_CANARY_PERCENT) {
      throw new DomainError("invalid_canary_percent", `A canary takes a whole percent of traffic from 1 to ${MAX_CANARY_PERCENT}.`, 422);
    }
  }
  return rule.to === "same" ? input.status : rule.to;
}

/** The actions an actor may take on a version now, for deciding which buttons to show. */
export function allowedActions(input: { status: TVersionStatus; actor: TActor }): TVersionAction[] {
  return VERSION_ACTIONS.filter((action) => {
    const rule = TRANSITIONS[action];
    return rule.from.includes(input.status) && actorMayAct(rule, input.actor) && action !== "approve" && action !== "reject";
  });
}

export type TDeploymentState = {
  championVersionId: string | null;
  challengerVersionId: string | null;
  previousChampionVersionId: string | null;
  mode: "off" | "shadow" | "canary";
  canaryPercent: number;
  killSwitch: boolean;
};

export type TDeploymentMove = {
  deployment: TDeploymentState;
  /** Status changes of versions other than the one acted on (e.g. the champion a promotion replaces). */
  sideEffects: Array<{ versionId: string; status: TVersionStatus }>;
};

/**
 * The deployment row after a deployment action on `versionId`. Refuses moves that make no sense
 * for the current deployment (a second challenger, a rollback with no previous champion, …).
 */
export function applyDeploymentAction(state: TDeploymentState, input: { action: TVersionAction; versionId: string; canaryPercent?: number }): TDeploymentMove {
  const { action, versionId } = input;
  const isChallenger = state.challengerVersionId === versionId;
  const otherChallenger = state.challengerVersionId !== null && !isChallenger;
  switch (action) {
    case "start_shadow":
    case "start_canary": {
      if (otherChallenger) throw new DomainError("challenger_busy", "Another version is already the challenger; withdraw it first.", 409);
      if (!state.championVersionId) throw new DomainError("no_champion", "There is no champion to compare with; promote a version first.", 409);
      return {
        deployment: { ...state, challengerVersionId: versionId, mode: action === "start_shadow" ? "shadow" : "canary", canaryPercent: action === "start_canary" ? input.canaryPercent ?? 0 : 0 },
        sideEffects: [],
      };
    }
    case "set_canary_percent":
      if (!isChallenger || state.mode !== "canary") throw new DomainError("not_canary", "This version is not running as a canary.", 409);
      return { deployment: { ...state, canaryPercent: input.canaryPercent ?? state.canaryPercent }, sideEffects: [] };
    case "withdraw":
      if (!isChallenger) throw new DomainError("not_challenger", "This version is not the challenger.", 409);
      return { deployment: { ...state, challengerVersionId: null, mode: "off", canaryPercent: 0 }, sideEffects: [] };
    case "promote": {
      if (otherChallenger) throw new DomainError("challenger_busy", "Another version is the challenger; withdraw it or promote it instead.", 409);
      const sideEffects = state.championVersionId ? [{ versionId: state.championVersionId, status: "retired" as const }] : [];
      return {
        deployment: { ...state, championVersionId: versionId, previousChampionVersionId: state.championVersionId, challengerVersionId: null, mode: "off", canaryPercent: 0 },
        sideEffects,
      };
    }
    case "rollback":
      if (state.championVersionId !== versionId) throw new DomainError("not_champion", "Only the champion can be rolled back.", 409);
      if (!state.previousChampionVersionId) throw new DomainError("no_previous_champion", "There is no previous champion to return to.", 409);
      return {
        deployment: { ...state, championVersionId: state.previousChampionVersionId, previousChampionVersionId: null, challengerVersionId: null, mode: "off", canaryPercent: 0 },
        sideEffects: [{ versionId: state.previousChampionVersionId, status: "champion" }],
      };
    case "retire":
      if (isChallenger) return { deployment: { ...state, challengerVersionId: null, mode: "off", canaryPercent: 0 }, sideEffects: [] };
      return { deployment: state, sideEffects: [] };
    default:
      return { deployment: state, sideEffects: [] };
  }
}

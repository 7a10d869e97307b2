import { DomainError } from "../errors";
import type { TActorRole } from "../permissions";
import { allowedActions, type TDeploymentSnapshot, type TVersionAction, type TVersionStatus } from "./lifecycle";
import type { TRequiredStages } from "./policy";

/**
 * Which next steps of a version are allowed now: the life cycle (status, role, deployment) and
 * then the risk tier's rollout rule (`requiredStages`). The version page shows exactly these
 * buttons and `moveDeployment` (db/writes/deployment.ts) refuses the same moves, so the two agree.
 */

/** The way to production, in order; a forward move may not jump over a stage the tier requires. */
const STAGE_RANK: Partial<Record<TVersionStatus, number>> = { approved: 0, shadow: 1, canary: 2, champion: 3 };
const ENTERS: Partial<Record<TVersionAction, "shadow" | "canary" | "champion">> = {
  start_shadow: "shadow",
  start_canary: "canary",
  promote: "champion",
};
const REQUIRED: Record<TRequiredStages, ReadonlyArray<"shadow" | "canary">> = {
  none: [],
  shadow: ["shadow"],
  canary: ["canary"],
  shadow_and_canary: ["shadow", "canary"],
};
const STAGE_WORDS = { shadow: "a shadow run", canary: "a canary" } as const;
const ACTION_WORDS: Partial<Record<TVersionAction, string>> = {
  start_canary: "a canary",
  promote: "promotion",
};

/**
 * Why the tier's rollout rule refuses this move, or null when it allows it. Only forward moves
 * toward production are judged (backing off to shadow, withdrawing, retiring are always allowed),
 * and only when the model has a champion: a first version has nothing to shadow or compare with.
 */
export function stageRuleRefusal(input: {
  action: TVersionAction;
  status: TVersionStatus;
  requiredStages: TRequiredStages;
  hasChampion: boolean;
}): string | null {
  const target = ENTERS[input.action];
  const from = STAGE_RANK[input.status];
  if (!target || from === undefined || !input.hasChampion) return null;
  const to = STAGE_RANK[target]!;
  const skipped = REQUIRED[input.requiredStages].filter((stage) => STAGE_RANK[stage]! > from && STAGE_RANK[stage]! < to);
  if (skipped.length === 0) return null;
  const needed = skipped.map((stage) => STAGE_WORDS[stage]).join(" and then ");
  return `This model's risk tier requires ${needed} before ${ACTION_WORDS[input.action] ?? "this step"}.`;
}

/** Throws 409 `stage_required` when the tier's rollout rule refuses the move (the writer's check). */
export function assertStageRuleOrThrow(input: Parameters<typeof stageRuleRefusal>[0]): void {
  const refusal = stageRuleRefusal(input);
  if (refusal) throw new DomainError("stage_required", refusal, 409);
}

/**
 * The version actions these roles may take now, in VERSION_ACTIONS order: what the life cycle
 * allows for this status and deployment (allowedActions) less what the tier's rollout rule refuses.
 */
export function nextSteps(input: {
  status: TVersionStatus;
  actorRoles: readonly TActorRole[];
  versionId: string;
  deployment: TDeploymentSnapshot;
  requiredStages: TRequiredStages;
}): TVersionAction[] {
  return allowedActions({
    status: input.status,
    actorRoles: input.actorRoles,
    deploymentContext: { deployment: input.deployment, versionId: input.versionId },
  }).filter(
    (action) =>
      stageRuleRefusal({
        action,
        status: input.status,
        requiredStages: input.requiredStages,
        hasChampion: input.deployment.championVersionId !== null,
      }) === null,
  );
}

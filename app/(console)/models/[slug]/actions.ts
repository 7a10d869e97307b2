"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/app/_server/action";
import { DomainError } from "@/lib/errors";
import {
  castApprovalVote,
  performDeploymentAction,
  requestApproval,
  requestValidation,
  setKillSwitch,
  updateFallbackRules,
} from "@/app/_server/governance";

const ZSlug = z.string().min(1).max(64);
const ZId = z.uuid({ error: "versionId must be a version id" });
const ZRevision = z.number().int().min(0);

function refresh(slug: string) {
  revalidatePath(`/models/${slug}`, "layout");
  revalidatePath("/models");
}

// Each action checks twice: the wrapper (who may call it at all) and the state machine (who may make this move).
const deployment = defineAction({
  name: "governance.deployment_action",
  // Admins may only retire versions that never served; the state machine holds them to that.
  permission: ["deployment.move", "version.retire_idle"],
  input: z.object({
    modelSlug: ZSlug,
    versionId: ZId,
    expectedRevision: ZRevision,
    action: z.enum(["start_shadow", "start_canary", "set_canary_percent", "promote", "rollback", "withdraw", "retire"]),
    canaryPercent: z.number().int().optional(),
    reason: z.string().max(1000).optional(),
  }),
  handler: async ({ user, input, db }) => {
    const result = await performDeploymentAction(db, { user, ...input });
    refresh(input.modelSlug);
    return result;
  },
});

const killSwitch = defineAction({
  name: "governance.kill_switch",
  permission: "deployment.kill_switch",
  input: z.object({ modelSlug: ZSlug, on: z.boolean(), expectedRevision: ZRevision, reason: z.string().max(1000).optional() }),
  handler: async ({ user, input, db }) => {
    const result = await setKillSwitch(db, { user, ...input });
    refresh(input.modelSlug);
    return result;
  },
});

const approvalRequest = defineAction({
  name: "governance.request_approval",
  permission: "version.request_approval",
  input: z.object({ modelSlug: ZSlug, versionId: ZId, note: z.string().max(2000).optional() }),
  handler: async ({ user, input, db }) => {
    const result = await requestApproval(db, { user, versionId: input.versionId, note: input.note });
    refresh(input.modelSlug);
    return result;
  },
});

const vote = defineAction({
  name: "governance.vote",
  permission: "version.vote",
  input: z.object({ modelSlug: ZSlug, versionId: ZId, decision: z.enum(["approve", "reject"]), comment: z.string().max(2000) }),
  handler: async ({ user, input, db }) => {
    const result = await castApprovalVote(db, { user, versionId: input.versionId, decision: input.decision, comment: input.comment });
    refresh(input.modelSlug);
    return result;
  },
});

const validation = defineAction({
  name: "governance.request_validation",
  permission: "version.validate",
  input: z.object({ modelSlug: ZSlug, versionId: ZId }),
  handler: async ({ user, input, db }) => {
    const result = await requestValidation(db, { user, versionId: input.versionId });
    refresh(input.modelSlug);
    return result;
  },
});

export async function deploymentAction(input: unknown) {
  return deployment(input);
}
export async function killSwitchAction(input: unknown) {
  return killSwitch(input);
}
export async function requestApprovalAction(input: unknown) {
  return approvalRequest(input);
}
export async function voteAction(input: unknown) {
  return vote(input);
}
export async function requestValidationAction(input: unknown) {
  return validation(input);
}

const fallbackRules = defineAction({
  name: "governance.fallback_rules",
  permission: "deployment.fallback_rules",
  input: z.object({ modelSlug: ZSlug, rulesJson: z.string().max(20_000) }),
  handler: async ({ user, input, db }) => {
    let rules: unknown;
    try {
      rules = JSON.parse(input.rulesJson);
    } catch {
      throw new DomainError("invalid_json", "The rules are not valid JSON.", 422);
    }
    const result = await updateFallbackRules(db, { user, modelSlug: input.modelSlug, rules });
    refresh(input.modelSlug);
    return result;
  },
});

export async function fallbackRulesAction(input: unknown) {
  return fallbackRules(input);
}

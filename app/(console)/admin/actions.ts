"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/app/_server/action";
import { appendAuditRecord } from "@/db/audit";
import { API_KEY_SCOPES, createApiKey, revokeApiKey } from "@/db/queries/api-keys";
import { getPolicy, savePolicy } from "@/db/queries/governance";
import { getUserById, setUserRoles } from "@/db/queries/users";
import { setUserDisabled } from "@/db/writes/users";
import { ZPolicy } from "@/lib/governance/policy";
import { DomainError } from "@/lib/errors";
import { ZRole } from "@/lib/roles";

const ZUpdateUserRolesInput = z.object({
  userId: z.uuid({ error: "userId must be a user id" }),
  roles: z.array(ZRole, { error: "roles must be a list of known roles" }).max(5),
});

const updateUserRoles = defineAction({
  name: "admin.update_user_roles",
  permission: "users.manage",
  input: ZUpdateUserRolesInput,
  handler: async ({ user, input, db }) => {
    const roles = [...new Set(input.roles)];
    await db.transaction(async (tx) => {
      const target = await getUserById(tx, input.userId);
      if (!target) throw new DomainError("user_not_found", "That user no longer exists.", 404);
      // An admin removing their own admin role could leave nobody able to manage users.
      if (target.id === user.id && !roles.includes("admin")) {
        throw new DomainError("self_lockout", "You cannot remove your own admin role; ask another admin.", 409);
      }
      await setUserRoles(tx, target.id, roles);
      await appendAuditRecord(tx, {
        actorId: user.id,
        actorLabel: user.email,
        action: "admin.user_roles_changed",
        subjectType: "user",
        subjectId: target.id,
        input: { email: target.email, before: target.roles, after: roles },
      });
    });
    revalidatePath("/admin");
    return { roles };
  },
});

export async function updateUserRolesAction(input: { userId: string; roles: string[] }) {
  return updateUserRoles(input);
}

const setUserStatus = defineAction({
  name: "admin.set_user_disabled",
  permission: "users.manage",
  input: z.object({
    userId: z.uuid({ error: "userId must be a user id" }),
    disabled: z.boolean({ error: "disabled must be true or false" }),
  }),
  handler: async ({ user, input, db }) => {
    // Disabling also ends the user's sessions at once (setUserDisabled moves their session version on).
    const { changed } = await setUserDisabled(db, {
      actor: { id: user.id, label: user.email },
      userId: input.userId,
      disabled: input.disabled,
    });
    revalidatePath("/admin");
    return { disabled: input.disabled, changed };
  },
});

export async function setUserDisabledAction(input: { userId: string; disabled: boolean }) {
  return setUserStatus(input);
}

const createKey = defineAction({
  name: "admin.create_api_key",
  permission: "api_keys.manage",
  input: z.object({
    name: z.string().trim().min(3, "name must be at least 3 characters").max(100, "name must be at most 100 characters"),
    scopes: z.array(z.enum(API_KEY_SCOPES)).min(1, "choose at least one scope"),
    modelIds: z.array(z.uuid()).nullable(),
  }),
  handler: async ({ user, input, db }) => {
    const created = await db.transaction(async (tx) => {
      const key = await createApiKey(tx, {
        name: input.name,
        scopes: [...input.scopes],
        modelIds: input.modelIds?.length ? input.modelIds : null,
        createdBy: user.id,
      });
      // The key itself is never audited or logged: only its id and settings.
      await appendAuditRecord(tx, {
        actorId: user.id,
        actorLabel: user.email,
        action: "admin.api_key_created",
        subjectType: "api_key",
        subjectId: key.id,
        input: { name: input.name, scopes: input.scopes, modelIds: input.modelIds },
      });
      return key;
    });
    revalidatePath("/admin");
    return created;
  },
});

const revokeKey = defineAction({
  name: "admin.revoke_api_key",
  permission: "api_keys.manage",
  input: z.object({ id: z.uuid({ error: "id must be an API key id" }) }),
  handler: async ({ user, input, db }) => {
    await db.transaction(async (tx) => {
      if (!(await revokeApiKey(tx, input.id)))
        throw new DomainError("api_key_not_active", "That key does not exist or is already revoked.", 409);
      await appendAuditRecord(tx, {
        actorId: user.id,
        actorLabel: user.email,
        action: "admin.api_key_revoked",
        subjectType: "api_key",
        subjectId: input.id,
        input: {},
      });
    });
    revalidatePath("/admin");
    return { id: input.id };
  },
});

export async function createApiKeyAction(input: { name: string; scopes: string[]; modelIds: string[] | null }) {
  return createKey(input);
}
export async function revokeApiKeyAction(input: { id: string }) {
  return revokeKey(input);
}

const updatePolicy = defineAction({
  name: "admin.update_policy",
  permission: "policy.edit",
  input: z.object({ tier: z.enum(["low", "medium", "high"]), policy: ZPolicy }),
  handler: async ({ user, input, db }) => {
    await db.transaction(async (tx) => {
      const before = await getPolicy(tx, input.tier);
      await savePolicy(tx, { tier: input.tier, policy: input.policy, updatedBy: user.id });
      await appendAuditRecord(tx, {
        actorId: user.id,
        actorLabel: user.email,
        action: "admin.policy_changed",
        subjectType: "policy",
        subjectId: input.tier,
        input: { before, after: input.policy },
      });
    });
    revalidatePath("/admin");
    return { tier: input.tier };
  },
});

export async function updatePolicyAction(input: { tier: string; policy: unknown }) {
  return updatePolicy(input);
}

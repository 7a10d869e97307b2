"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/app/_server/action";
import { appendAuditRecord } from "@/db/audit";
import { getUserById, setUserRoles } from "@/db/queries/users";
import { DomainError } from "@/lib/errors";
import { ZRole } from "@/lib/roles";

const ZUpdateUserRolesInput = z.object({
  userId: z.uuid({ error: "userId must be a user id" }),
  roles: z.array(ZRole, { error: "roles must be a list of known roles" }).max(5),
});

const updateUserRoles = defineAction({
  name: "admin.update_user_roles",
  roles: ["admin"],
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

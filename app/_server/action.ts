import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { getDb } from "@/db/client";
import type { TDatabase } from "@/db/connection";
import { isDomainError } from "@/lib/errors";
import { can, describeRolesWith, type TPermission } from "@/lib/permissions";
import type { TActionResult } from "@/lib/types/action";
import type { TUserDto } from "@/lib/types/users";
import { getCurrentUser } from "./auth";
import { logger } from "./logger";

/**
 * Wraps a server action body with the steps every action shares: session, permission, input
 * validation and error mapping. `permission` is a capability, or several when holding any one
 * lets the caller in and the body (the state machine) decides the rest. The body gets the parsed input and the database; it opens its
 * own transaction and writes its audit record in it.
 */
export function defineAction<TSchema extends z.ZodType, TData>(definition: {
  name: string;
  permission: TPermission | readonly TPermission[];
  input: TSchema;
  handler: (context: { user: TUserDto; input: z.infer<TSchema>; db: TDatabase }) => Promise<TData>;
}): (rawInput: unknown) => Promise<TActionResult<TData>> {
  return async (rawInput) => {
    const user = await getCurrentUser();
    if (!user) return { ok: false, status: 401, message: "Your session has expired. Sign in again." };
    const permissions: readonly TPermission[] = ([] as TPermission[]).concat(definition.permission);
    if (!permissions.some((permission) => can(user.roles, permission))) {
      return { ok: false, status: 403, message: `Not allowed: this needs the ${describeRolesWith(permissions)} role.` };
    }
    const parsed = definition.input.safeParse(rawInput);
    if (!parsed.success) {
      return {
        ok: false,
        status: 422,
        message: "Some fields are not valid.",
        fieldErrors: z.flattenError(parsed.error).fieldErrors as Record<string, string[]>,
      };
    }
    try {
      const data = await definition.handler({ user, input: parsed.data, db: getDb() });
      return { ok: true, data };
    } catch (error) {
      if (isDomainError(error))
        return {
          ok: false,
          status: error.status,
          message: error.message,
          ...(error.fieldErrors ? { fieldErrors: error.fieldErrors } : {}),
        };
      const reference = randomUUID().slice(0, 8);
      logger.error({ reference, action: definition.name, userId: user.id, err: error }, "action failed");
      return { ok: false, status: 500, message: `Something went wrong (reference ${reference}). Nothing was changed.` };
    }
  };
}

import "server-only";
import { getServerSession } from "next-auth";
import { forbidden, redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { getUserById } from "@/db/queries/users";
import type { TUserDto } from "@/lib/types/users";
import { SECTIONS, can, type TPermission, type TSection } from "@/lib/permissions";
import { hasAnyRole, type TRole } from "@/lib/roles";
import { authOptions } from "./auth-options";

export type TSessionUser = TUserDto;

/** The signed-in, enabled user, or null. Roles come fresh from the database. */
export async function getCurrentUser(): Promise<TSessionUser | null> {
  const session = await getServerSession(authOptions);
  const userId = (session as { userId?: string } | null)?.userId;
  if (!userId) return null;
  const user = await getUserById(getDb(), userId);
  return user && !user.disabled ? user : null;
}

/**
 * For pages: the user when they hold one of `roles` (any role when none is given); otherwise
 * a redirect to sign-in (no session) or the 403 page (wrong role).
 */
export async function requireRole(roles?: readonly TRole[]): Promise<TSessionUser> {
  const user = await getCurrentUser();
  if (!user) redirect("/signin?reason=session");
  if (roles && !hasAnyRole(user.roles, roles)) forbidden();
  return user;
}

/** For pages: the user when they hold the capability; otherwise sign-in (no session) or the 403 page. */
export async function requirePermission(permission: TPermission): Promise<TSessionUser> {
  const user = await getCurrentUser();
  if (!user) redirect("/signin?reason=session");
  if (!can(user.roles, permission)) forbidden();
  return user;
}

/** For pages: requirePermission with the capability that opens the section. */
export function requireSection(section: TSection): Promise<TSessionUser> {
  return requirePermission(SECTIONS[section].permission);
}

import "server-only";
import { cache } from "react";
import { getServerSession } from "next-auth";
import { forbidden, redirect } from "next/navigation";
import { getDb } from "@/db/client";
import type { TUserDto } from "@/lib/types/users";
import { can, type TPermission } from "@/lib/permissions";
import { authOptions, userOfSession, type TSessionClaims } from "./auth-options";

export type TSessionUser = TUserDto;

/**
 * The signed-in, enabled user, or null (also for a session signed out, revoked or past its
 * maximum age: userOfSession). Roles come fresh from the database, read once per request
 * however many layouts and pages ask.
 */
export const getCurrentUser = cache(async (): Promise<TSessionUser | null> => {
  const session = await getServerSession(authOptions);
  return userOfSession(getDb(), session as TSessionClaims | null);
});

/** For layouts: the signed-in user, whatever their roles; otherwise a redirect to sign-in. */
export async function requireUser(): Promise<TSessionUser> {
  const user = await getCurrentUser();
  if (!user) redirect("/signin?reason=session");
  return user;
}

/**
 * For pages: the user when they hold the capability; otherwise sign-in (no session) or the 403
 * page. Every page calls it itself, before any Suspense boundary (a `loading.tsx` above the page
 * is one): a layout's check does not run on client navigations, and once a fallback has streamed
 * the status is 200 for good.
 */
export async function requirePermission(permission: TPermission): Promise<TSessionUser> {
  const user = await requireUser();
  if (!can(user.roles, permission)) forbidden();
  return user;
}

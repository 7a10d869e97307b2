/**
 * Lets integration tests call route handlers and server actions as they run in Next.js: the
 * app's own database (getDb) points at the test database, and a test chooses who is signed in.
 *
 * Only the session lookup is replaced — next-auth's cookie reading needs a Next.js request — so
 * everything after it (role checks, validation, transactions, audit) is the real code. Use with
 *   vi.mock("@/app/_server/auth", () => import("@/scripts/testing/app-session"));
 */
import { inject } from "vitest";
import { closeDatabase, type TDatabase } from "@/db/connection";
import { getUserCredentialsByEmail, getUserById } from "@/db/queries/users";
import type { TUserDto } from "@/lib/types/users";

const session: { user: TUserDto | null } = { user: null };

/** The mocked getCurrentUser of app/_server/auth: whoever signInAs chose, read fresh from the database. */
export async function getCurrentUser(): Promise<TUserDto | null> {
  if (!session.user) return null;
  const { getDb } = await import("@/db/client");
  const user = await getUserById(getDb(), session.user.id);
  return user && !user.disabled ? user : null;
}

function pagesOnly(): Promise<TUserDto> {
  throw new Error("requireUser and requirePermission are for pages; integration tests call routes and actions");
}
export const requireUser = pagesOnly;
export const requirePermission = pagesOnly;

/** Points the app's getDb() at this run's test database; returns a function that closes that pool. */
export function useTestDatabaseForApp(): () => Promise<void> {
  process.env.DATABASE_URL = inject("databaseUrl");
  return async () => {
    const holder = globalThis as unknown as { oversightDb?: TDatabase };
    if (holder.oversightDb) await closeDatabase(holder.oversightDb);
    holder.oversightDb = undefined;
  };
}

/** Signs in a seeded user by email for the calls that follow; null signs out. */
export async function signInAs(db: TDatabase, email: string | null): Promise<TUserDto | null> {
  if (email === null) return (session.user = null);
  const row = await getUserCredentialsByEmail(db, email);
  if (!row) throw new Error(`no user ${email}`);
  session.user = (await getUserById(db, row.id))!;
  return session.user;
}

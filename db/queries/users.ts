import { and, asc, eq, sql } from "drizzle-orm";
import type { TRole } from "@/lib/roles";
import type { TUserDto } from "@/lib/types/users";
import type { TDb } from "../connection";
import { revokedSessions, users } from "../schema";

const userColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  roles: users.roles,
  disabledAt: users.disabledAt,
  lastSignInAt: users.lastSignInAt,
};

function toDto(row: {
  id: string;
  email: string;
  name: string;
  roles: TRole[];
  disabledAt: Date | null;
  lastSignInAt: Date | null;
}): TUserDto {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    roles: row.roles,
    disabled: row.disabledAt !== null,
    lastSignInAt: row.lastSignInAt,
  };
}

export async function getUserById(db: TDb, id: string): Promise<TUserDto | null> {
  const [row] = await db.select(userColumns).from(users).where(eq(users.id, id)).limit(1);
  return row ? toDto(row) : null;
}

/**
 * The user a session token names, with the session version the token must carry and whether this
 * session was signed out: one statement by primary keys on every request (getCurrentUser), so
 * sign-out and disabling act at once.
 */
export async function getSessionUser(
  db: TDb,
  id: string,
  sessionId: string | null = null,
): Promise<(TUserDto & { sessionVersion: number; revoked: boolean }) | null> {
  const [row] = await db
    .select({
      ...userColumns,
      sessionVersion: users.sessionVersion,
      revoked: sessionId
        ? sql<boolean>`exists (select 1 from ${revokedSessions} where ${revokedSessions.sessionId} = ${sessionId})`
        : sql<boolean>`false`,
    })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  return row ? { ...toDto(row), sessionVersion: row.sessionVersion, revoked: row.revoked } : null;
}

/** The credentials row, password hash included: for sign-in only, never passed to a page. */
export async function getUserCredentialsByEmail(db: TDb, email: string) {
  const [row] = await db
    .select({ ...userColumns, passwordHash: users.passwordHash, sessionVersion: users.sessionVersion })
    .from(users)
    .where(eq(users.email, email.trim().toLowerCase()))
    .limit(1);
  return row ?? null;
}

export async function listUsers(db: TDb): Promise<TUserDto[]> {
  const rows = await db.select(userColumns).from(users).orderBy(asc(users.email));
  return rows.map(toDto);
}

export async function recordSignIn(db: TDb, id: string): Promise<void> {
  await db
    .update(users)
    .set({ lastSignInAt: sql`now()` })
    .where(eq(users.id, id));
}

export async function setUserRoles(db: TDb, id: string, roles: TRole[]): Promise<void> {
  await db
    .update(users)
    .set({ roles, updatedAt: sql`now()` })
    .where(eq(users.id, id));
}

/** The account linked to a single sign-on identity (issuer, subject), if any. */
export async function findUserIdByOidcIdentity(db: TDb, issuer: string, subject: string): Promise<string | null> {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.oidcIssuer, issuer), eq(users.oidcSubject, subject)));
  return row?.id ?? null;
}

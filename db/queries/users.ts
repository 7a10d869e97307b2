import { asc, eq, sql } from "drizzle-orm";
import type { TRole } from "@/lib/roles";
import type { TUserDto } from "@/lib/types/users";
import type { TDb } from "../connection";
import { users } from "../schema";

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

/** The credentials row, password hash included: for sign-in only, never passed to a page. */
export async function getUserCredentialsByEmail(db: TDb, email: string) {
  const [row] = await db
    .select({ ...userColumns, passwordHash: users.passwordHash })
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

import { appendAuditRecord } from "../audit";
import type { TDb } from "../connection";
import { users } from "../schema";

/** Creates a user; returns its id. The seed and tests use it; people are added through the admin page or single sign-on. */
export async function insertUser(db: TDb, user: typeof users.$inferInsert): Promise<string> {
  const [row] = await db.insert(users).values(user).returning({ id: users.id });
  return row.id;
}

/**
 * Records a single sign-on: creates the user on first sign-in without any role (an admin grants
 * them), otherwise stamps the sign-in time; appends the audit record in the same transaction.
 */
export async function recordOidcSignIn(db: TDb, { email, name }: { email: string; name: string }): Promise<string> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({ email, name, roles: [] })
      .onConflictDoUpdate({ target: users.email, set: { lastSignInAt: new Date() } })
      .returning({ id: users.id });
    await appendAuditRecord(tx, {
      actorId: row.id,
      actorLabel: email,
      action: "auth.sign_in",
      subjectType: "user",
      subjectId: row.id,
      input: { method: "oidc" },
    });
    return row.id;
  });
}

import postgres from "postgres";

/** The role the app and the worker connect as (migration 0013): it reads and writes rows and owns nothing. */
export const RUNTIME_ROLE = "oversight_runtime";

/**
 * The URL the app and the worker should use: the owner's URL with the runtime role and `password`
 * instead of the owner. The role's password is set here (roles are made by migration 0013 without
 * one) unless the role can already sign in with it. When the owner may not make or alter roles (a
 * managed database without CREATEROLE), the owner's URL comes back with a warning, so the product
 * still starts; db/README.md says what that gives up.
 */
export async function runtimeDatabaseUrl(ownerUrl: string, password: string, warn: (line: string) => void): Promise<string> {
  const url = new URL(ownerUrl);
  url.username = RUNTIME_ROLE;
  url.password = encodeURIComponent(password);
  const runtimeUrl = url.toString();
  if (await canConnect(runtimeUrl)) return runtimeUrl;
  const sql = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  try {
    const [role] = await sql`select 1 from pg_roles where rolname = ${RUNTIME_ROLE}`;
    if (!role) throw new Error(`role ${RUNTIME_ROLE} does not exist (the owner could not create it)`);
    // ALTER ROLE takes no bind parameters; the password is generated base64url, and quotes are doubled anyway.
    await sql.unsafe(`alter role ${RUNTIME_ROLE} with login password '${password.replace(/'/g, "''")}'`);
    return runtimeUrl;
  } catch (error) {
    warn(
      `The app and worker connect as the database owner: ${error instanceof Error ? error.message : String(error)}. ` +
        `Give the owner CREATEROLE (or create ${RUNTIME_ROLE} yourself) so they cannot change the audit trail's protections.`,
    );
    return ownerUrl;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function canConnect(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

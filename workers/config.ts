import { z } from "zod";

const positiveInt = z.coerce.number().int().positive();

const ZWorkerEnv = z.object({
  DATABASE_URL: z.string({ error: "is required" }),
  WORKER_PORT: z.coerce.number().int().min(1).max(65535).default(3001),
  WORKER_HOST: z.string().default("127.0.0.1"),
  MAX_BATCH_INSTANCES: positiveInt.max(10_000).default(100),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  CANARY_GUARD_INTERVAL_MS: positiveInt.default(30_000),
  // Monitor windows are hourly; recomputing the open hour every minute keeps the dashboard live.
  MONITOR_INTERVAL_MS: positiveInt.default(60_000),
  // A pass reads predictions stamped at least this long ago, which are surely committed (monitor-windows.ts).
  // At most 15 min: a longer wait would leave the open hour's window empty for most of the hour.
  MONITOR_SETTLED_MS: positiveInt.max(15 * 60_000).default(60_000),
  // The console's public URL, for links in alert deliveries.
  NEXTAUTH_URL: z.url().default("http://localhost:3000"),
  // Signs the audit chain's head; without it the worker writes no anchors (npm start generates one).
  AUDIT_ANCHOR_KEY: z.string().min(32, "must be at least 32 characters").optional(),
  AUDIT_ANCHOR_FILE: z.string().default(".data/audit-anchors.log"),
  AUDIT_ANCHOR_INTERVAL_MS: positiveInt.default(60_000),
  // Where the retention job archives partitions before dropping them (db/README.md, "Retention").
  ARCHIVE_DIR: z.string().default(".data/archive"),
  RETENTION_INTERVAL_MS: positiveInt.default(6 * 60 * 60 * 1000),
});

export type TWorkerConfig = {
  databaseUrl: string;
  port: number;
  host: string;
  logLevel: string;
  maxBatchInstances: number;
  canaryGuardIntervalMs: number;
  monitorIntervalMs: number;
  monitorSettledMs: number;
  consoleUrl: string;
  auditAnchor: { key: string; file: string; intervalMs: number } | null;
  retention: { archiveDir: string; intervalMs: number };
};

/** Parses the worker's environment; a bad or missing value throws an error that names the variable. */
export function readWorkerConfig(env: Record<string, string | undefined>): TWorkerConfig {
  // An empty variable (`PORT=` in a compose file) means unset, not 0.
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = ZWorkerEnv.safeParse(set);
  if (!parsed.success) {
    throw new Error(`Worker configuration: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
  }
  const values = parsed.data;
  return {
    databaseUrl: values.DATABASE_URL,
    port: values.WORKER_PORT,
    host: values.WORKER_HOST,
    logLevel: values.LOG_LEVEL,
    maxBatchInstances: values.MAX_BATCH_INSTANCES,
    canaryGuardIntervalMs: values.CANARY_GUARD_INTERVAL_MS,
    monitorIntervalMs: values.MONITOR_INTERVAL_MS,
    monitorSettledMs: values.MONITOR_SETTLED_MS,
    consoleUrl: values.NEXTAUTH_URL,
    auditAnchor: values.AUDIT_ANCHOR_KEY
      ? { key: values.AUDIT_ANCHOR_KEY, file: values.AUDIT_ANCHOR_FILE, intervalMs: values.AUDIT_ANCHOR_INTERVAL_MS }
      : null,
    retention: { archiveDir: values.ARCHIVE_DIR, intervalMs: values.RETENTION_INTERVAL_MS },
  };
}

let cached: TWorkerConfig | undefined;

/** The worker's configuration from process.env, parsed on first use and kept. */
export function workerConfig(): TWorkerConfig {
  cached ??= readWorkerConfig(process.env);
  return cached;
}

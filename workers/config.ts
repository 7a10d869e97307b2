import { z } from "zod";

const ZWorkerConfig = z.object({
  DATABASE_URL: z.string({ error: "DATABASE_URL is required" }).min(1, "DATABASE_URL is required"),
  WORKER_PORT: z.coerce.number().int().min(1).max(65535).default(3001),
  WORKER_HOST: z.string().default("127.0.0.1"),
  MAX_BATCH_INSTANCES: z.coerce.number().int().min(1).max(10_000).default(100),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type TWorkerConfig = { databaseUrl: string; port: number; host: string; logLevel: string; maxBatchInstances: number };

/** Reads the worker's configuration once, at start, and names whatever is wrong. */
export function readWorkerConfig(env: NodeJS.ProcessEnv): TWorkerConfig {
  const parsed = ZWorkerConfig.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Worker configuration: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
  }
  return { databaseUrl: parsed.data.DATABASE_URL, port: parsed.data.WORKER_PORT, host: parsed.data.WORKER_HOST, logLevel: parsed.data.LOG_LEVEL, maxBatchInstances: parsed.data.MAX_BATCH_INSTANCES };
}

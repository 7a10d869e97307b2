import type { TDb } from "@/db/connection";
import { listPredictionPartitions, listRetentionPolicies } from "@/db/queries/retention";
import { systemActor } from "@/db/writes/actor";
import { applyRetentionStep, type TRetentionResult } from "@/db/writes/retention";
import { archiveName, planRetention, type TRetentionStep } from "@/lib/reliability/retention";
import { createArchiveWriter } from "./retention-archive";

export type TRetentionRun = { results: (TRetentionResult | { status: "failed"; step: TRetentionStep; error: string })[] };

/**
 * Drops or purges what each model's retention policy no longer keeps (lib/reliability/retention.ts),
 * archiving every removed row under `archiveDir` first (db/README.md, "Retention"). A step that fails
 * (the archive cannot be written, a lock is not granted in time) leaves its partition as it was and is
 * retried at the next run; the others go on. Audit records and monitoring summaries are never touched.
 */
export async function runRetention(db: TDb, options: { archiveDir: string; now?: Date }): Promise<TRetentionRun> {
  const now = options.now ?? new Date();
  const [partitions, policies] = await Promise.all([listPredictionPartitions(db), listRetentionPolicies(db)]);
  const results: TRetentionRun["results"] = [];
  for (const step of planRetention({ now, partitions, policies })) {
    const writer = createArchiveWriter({ archiveDir: options.archiveDir, name: archiveName(step, now), now });
    try {
      const result = await applyRetentionStep(db, { step, now, actor: systemActor("retention"), writer });
      if (result.status === "held") await writer.abort().catch(() => {});
      results.push(result);
    } catch (error) {
      await writer.abort().catch(() => {});
      results.push({ status: "failed", step, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { results };
}

import { expect, vi } from "vitest";
import type { TDatabase } from "@/db/connection";
import { runNextValidation } from "@/workers/jobs/validate-version";

/**
 * Runs queued validations here until the queue is empty, then waits until `runId` has finished: a
 * worker that another test file started (its job runner wakes on NOTIFY validation_queued) may
 * have claimed it first. Either way the run is done by the same code against the same database.
 */
export async function finishValidation(db: TDatabase, runId: string, timeoutMs = 60_000): Promise<void> {
  while (await runNextValidation(db)) {
    // drain
  }
  await vi.waitFor(
    async () => {
      const [run] = await db.$client`select status from validation_runs where id = ${runId}`;
      expect(run?.status, `validation run ${runId}`).toMatch(/^(passed|failed|error)$/);
    },
    { timeout: timeoutMs, interval: 100 },
  );
}

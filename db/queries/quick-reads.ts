import { sql } from "drizzle-orm";
import type { TDb } from "../connection";

/**
 * Runs a page's read with JIT compilation and parallel workers off (for this transaction only).
 * The planner turns both on by estimated cost, and over a large predictions table its estimates for
 * these keyed reads run high: JIT then spends 0.3–1 s compiling a query that runs in milliseconds,
 * and parallel workers wait for a free core on a busy machine (measured with bench:pages).
 */
export function withQuickPlan<T>(db: TDb, read: (tx: TDb) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('jit', 'off', true), set_config('max_parallel_workers_per_gather', '0', true)`);
    return read(tx);
  });
}

import { sql } from "drizzle-orm";
import type { TPredictionPartition } from "@/lib/reliability/retention";
import type { TDb } from "../connection";
import { retentionPolicies } from "../schema";

/** Every model's retention in months, for models that have a policy row (the others keep the default). */
export async function listRetentionPolicies(db: TDb): Promise<Map<string, number>> {
  const rows = await db.select({ modelId: retentionPolicies.modelId, months: retentionPolicies.predictionMonths }).from(retentionPolicies);
  return new Map(rows.map((row) => [row.modelId, row.months]));
}

/**
 * The partitions of `predictions` with their month range (null for DEFAULT), and per partition each
 * model with rows in it and its oldest row. The models come from a loose index scan of
 * (model_id, created_at), one index probe per model, so a month of millions of rows is not read.
 */
export async function listPredictionPartitions(db: TDb): Promise<TPredictionPartition[]> {
  // The bounds as pg_get_expr prints them: FOR VALUES FROM ('2025-10-01 00:00:00+00') TO ('2025-11-01 00:00:00+00').
  const partitions = await db.execute<{ name: string; from: Date | string | null; to: Date | string | null }>(sql`
    select c.relname as name,
      (regexp_match(pg_get_expr(c.relpartbound, c.oid), $$FROM [(]'([^']+)'[)]$$))[1]::timestamptz as "from",
      (regexp_match(pg_get_expr(c.relpartbound, c.oid), $$TO [(]'([^']+)'[)]$$))[1]::timestamptz as "to"
    from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'predictions'::regclass
    order by c.relname`);
  const result: TPredictionPartition[] = [];
  for (const partition of partitions) {
    const table = sql.identifier(partition.name);
    const models = await db.execute<{ model_id: string; oldest: Date | string }>(sql`
      with recursive ids(model_id) as (
        (select model_id from ${table} order by model_id limit 1)
        union all
        select (select p.model_id from ${table} p where p.model_id > ids.model_id order by p.model_id limit 1) from ids where ids.model_id is not null
      )
      select ids.model_id, (select min(p.created_at) from ${table} p where p.model_id = ids.model_id) as oldest
      from ids where ids.model_id is not null`);
    result.push({
      name: partition.name,
      range: partition.from && partition.to ? { from: new Date(partition.from), to: new Date(partition.to) } : null,
      models: models.map((row) => ({ modelId: row.model_id, oldest: new Date(row.oldest) })),
    });
  }
  return result;
}

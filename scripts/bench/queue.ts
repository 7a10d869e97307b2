/**
 * `npm run bench:queue`: the review queue page's server time over a large backlog.
 *
 * Seeds a fresh database once with the demo, then BENCH_OPEN_ITEMS open review items (default
 * 100,000; about 10 % claimed, some of those claims expired) over the demo's models, with due times
 * spread so that every SLA state is well represented, plus BENCH_DECIDED_ITEMS decided ones
 * (default 100,000: a queue's history outgrows its backlog). Each item has its prediction row, as
 * in production. Then it times `loadReviewQueueView` — what /review reads: the per-SLA counts (from
 * the hourly buckets of migration 0018, db/queries/review-counts.ts), one page by keyset and the
 * model filter's options — for the first page, a page deep in the queue, a page back, and the
 * filters, and prints min / p50 / p95 / max beside the goal (p95 < 200 ms).
 */
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { closeDatabase, createDatabase } from "@/db/connection";
import { runMigrations } from "@/db/migrate";
import { loadReviewQueueView, type TQueueFilter } from "@/db/queries/review";
import type { TQueueCursor } from "@/lib/review/queue-query";
import { seedDemo } from "../seed/demo-seed";
import { createTestDatabase, openDatabaseServer } from "../lib/database";
import { nearestRankQuantile } from "../lib/quantile";

const OPEN = Number(process.env.BENCH_OPEN_ITEMS ?? 100_000);
const DECIDED = Number(process.env.BENCH_DECIDED_ITEMS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const PAGE = 50;

// To study plans: BENCH_KEEP_DATABASE=1 keeps the seeded database and prints its URL; BENCH_DATABASE_URL=<it> times it again without seeding.
const reuse = process.env.BENCH_DATABASE_URL;
const server = reuse
  ? null
  : await openDatabaseServer({ dataDirName: "bench-pg", port: Number(process.env.BENCH_EMBEDDED_PG_PORT ?? 54349) });
const database = server ? await createTestDatabase(server, "bench_queue") : { url: reuse!, drop: async () => {} };
const db = createDatabase(database.url, { maxConnections: 4, applicationName: "oversight-bench" });
try {
  await runMigrations(db);
  if (!reuse) await seedDemo(db);
  const [analyst] = await db.$client<{ id: string }[]>`select id from users where 'analyst' = any(roles) order by email limit 1`;
  const modelRows = await db.$client<{ id: string; slug: string }[]>`select id, slug from models order by slug`;
  const modelIds = `{${modelRows.map((model) => model.id).join(",")}}`;

  const started = performance.now();
  // Open items were raised over the last 3 days with a 24 h SLA: about two thirds overdue, the rest due soon or on track.
  // Decided items come from the 30 days before. Batches of 50,000 keep each statement's memory small.
  for (const [kind, total] of reuse
    ? []
    : ([
        ["open", OPEN],
        ["decided", DECIDED],
      ] as const)) {
    for (let offset = 0; offset < total; offset += 50_000) {
      const count = Math.min(50_000, total - offset);
      await db.$client`
        with made as (
          insert into predictions (created_at, model_id, role, request_id, features, probability, label, confidence, latency_ms, sent_to_review)
          select now() - (case when ${kind} = 'open' then interval '3 days' else interval '33 days' end) * random(),
            (${modelIds}::uuid[])[1 + (g % ${modelRows.length})], 'champion', 'bench-queue-' || ${kind} || g,
            array[random(), random(), random()]::real[], p, case when p >= 0.5 then 'default' else 'repay' end, greatest(p, 1 - p), 1 + random() * 5, true
          from (select g, 0.3 + random() * 0.4 as p from generate_series(${offset + 1}::int, ${offset + count}::int) g) s
          returning id, created_at, model_id, probability)
        insert into review_items (prediction_id, prediction_created_at, model_id, reason, status, claimed_by, claim_expires_at, due_at, created_at,
          decision, final_label, decided_by, decided_at)
        select id, created_at, model_id,
          (array['low_confidence', 'high_risk_rule', 'random_sample', 'shadow_disagreement'])[1 + floor(random() * 4)::int],
          case when ${kind} = 'decided' then 'decided' when r < 0.1 then 'claimed' else 'open' end,
          case when ${kind} = 'decided' or r < 0.1 then ${analyst.id}::uuid end,
          case when ${kind} = 'open' and r < 0.1 then now() + interval '15 minutes' * (r * 20 - 0.5) end,
          created_at + interval '24 hours', created_at,
          case when ${kind} = 'decided' then 'accept' end, case when ${kind} = 'decided' then 'repay' end,
          case when ${kind} = 'decided' then ${analyst.id}::uuid end, case when ${kind} = 'decided' then created_at + interval '3 hours' end
        from (select *, random() as r from made) m`;
      process.stdout.write(`\rinserted ${(offset + count).toLocaleString("en-US")} ${kind} review items`);
    }
    process.stdout.write("\n");
  }
  // As autovacuum leaves a table after bulk inserts: statistics, and the visibility map that index-only scans need.
  await db.$client`vacuum analyze review_items`;
  await db.$client`analyze`;
  console.log(`seeding: ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const [deep] = await db.$client<{ key: string; id: string }[]>`
    select to_char(due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as key, id from review_items
    where status <> 'decided' order by due_at, id offset ${Math.floor(OPEN / 2)} limit 1`;
  const middle: TQueueCursor = { dueAt: deep.key, id: deep.id };
  const scenarios: Array<[string, TQueueFilter, { after?: TQueueCursor; before?: TQueueCursor }]> = [
    ["first page", {}, {}],
    [`page at item ${Math.floor(OPEN / 2).toLocaleString("en-US")} (next)`, {}, { after: middle }],
    [`page at item ${Math.floor(OPEN / 2).toLocaleString("en-US")} (previous)`, {}, { before: middle }],
    ["sla = due_soon", { sla: "due_soon" }, {}],
    ["reason = shadow_disagreement", { reason: "shadow_disagreement" }, {}],
    [`model = ${modelRows[0].slug}, sla = on_track`, { modelSlug: modelRows[0].slug, sla: "on_track" }, {}],
    ["status = available, deep", { status: "available" }, { after: middle }],
    ["status = mine", { status: "mine", userId: analyst.id }, {}],
    // A state and a cursor: the count before the cursor by state, from the buckets too.
    ["sla = overdue, deep", { sla: "overdue" }, { after: middle }],
  ];

  const [{ open }] = await db.$client<{ open: number }[]>`select count(*)::int as open from review_items where status <> 'decided'`;
  console.log(`\n/review server time over ${open.toLocaleString("en-US")} open items (${RUNS} runs each, after one warm-up):`);
  // Wall times scale with whatever else runs: say how busy the machine was.
  console.log(`  (load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`);
  for (const [name, filter, cursor] of scenarios) {
    await loadReviewQueueView(db, filter, { limit: PAGE, ...cursor });
    const times: number[] = [];
    let described = "";
    for (let run = 0; run < RUNS; run += 1) {
      const t0 = performance.now();
      const view = await loadReviewQueueView(db, filter, { limit: PAGE, ...cursor });
      times.push(performance.now() - t0);
      described = `${view.page.offset + 1}–${view.page.offset + view.page.items.length} of ${view.counts.total}`;
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => nearestRankQuantile(times, q).toFixed(1);
    console.log(
      `  ${name.padEnd(42)} ${described.padStart(24)}: min ${at(0)} ms, p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms  (goal p95 < 200 ms)`,
    );
  }
} finally {
  await closeDatabase(db);
  if (process.env.BENCH_KEEP_DATABASE) console.log(`kept: BENCH_DATABASE_URL=${database.url}`);
  else await database.drop();
  await server?.stop();
}

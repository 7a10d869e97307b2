/**
 * `npm run bench:pages`: every page and every GET API route, timed by its server time over a
 * database of realistic volume.
 *
 * Fills a fresh database with BENCH_PREDICTIONS predictions per model (default 10 M) over 30 days
 * for every model of the demo seed, with outcomes for a fifth of them (a day after each, so none in
 * the last day) and open review items for a fiftieth, runs the worker's monitoring job over every
 * hour (what the running worker does as time passes), then starts the production build and the
 * worker on free ports and asks each page (as a user holding every role, so every page opens) and
 * each GET route (with an API key of every scope) BENCH_RUNS times, after the worker's summary pass
 * (db/queries/summaries-refresh.ts) has caught up, as it does soon after the worker starts. Server
 * time is the time to the last byte over loopback; a route that streams a download (the labelled
 * export) is judged by its time to the first byte, since its last byte depends on how much the
 * caller asked for. Prints p50 / p95 per route beside the goal (p95 < 200 ms); asserts nothing.
 *
 * To seed once and time many times: BENCH_KEEP_DATABASE=1 keeps the seeded database and prints its
 * URL; BENCH_DATABASE_URL=<it> times it again without seeding (the embedded server is started on its
 * data directory again; the worker's summary pass brings the summaries up to date first);
 * BENCH_RUNS=0 seeds without timing. BENCH_ONLY=<substring> times only the routes whose URL contains it.
 */
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import bcrypt from "bcryptjs";
import { closeDatabase, createDatabase } from "@/db/connection";
import { runMigrations } from "@/db/migrate";
import { createApiKey } from "@/db/queries/api-keys";
import { insertUser } from "@/db/writes/users";
import { API_KEY_SCOPES } from "@/lib/permissions";
import { ROLES } from "@/lib/roles";
import { refreshPredictionSummaries } from "@/db/queries/summaries-refresh";
import { JOBS_APPLICATION_NAME, WORKER_APPLICATION_NAME } from "@/workers/application-names";
import { computeWindows } from "@/workers/jobs/monitor-windows";
import { ensureProductionBuild } from "../lib/build";
import { createTestDatabase, openDatabaseServer, runtimeUrlFor } from "../lib/database";
import { startProcess, stopProcess, waitForHttp } from "../lib/processes";
import { nearestRankQuantile } from "../lib/quantile";
import { seedDemo } from "../seed/demo-seed";
import { freePort, startWorkerProcess } from "../testing/worker-process";

const PER_MODEL = Number(process.env.BENCH_PREDICTIONS ?? 10_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const DAYS = 30;
const HOUR_MS = 3_600_000;
const GOAL_MS = 200;
const log = (line: string) => console.log(`[bench:pages] ${line}`);

/** `app/**∕page.tsx` and `app/api/**∕route.ts` as URL patterns: route groups dropped, `[param]` kept. */
function routesOnDisk(fileName: string): string[] {
  const walk = (directory: string): string[] =>
    fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(directory, entry.name);
      return entry.isDirectory() ? walk(full) : entry.name === fileName ? [path.dirname(full)] : [];
    });
  return walk(path.resolve("app")).map(
    (directory) =>
      "/" +
      path
        .relative(path.resolve("app"), directory)
        .split(path.sep)
        .filter((segment) => segment && !segment.startsWith("("))
        .join("/"),
  );
}

/**
 * Waits until the worker and its job process have had no statement running for 3 s in a row, counting
 * from 10 s after the start (the first monitoring pass begins 5 s after it; workers/jobs/runner.ts), at
 * most 10 min.
 */
async function waitForIdleWorker(db: ReturnType<typeof createDatabase>, workerStartedAt: number): Promise<boolean> {
  const deadline = Date.now() + 10 * 60_000;
  let quiet = 0;
  while (quiet < 6 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (Date.now() - workerStartedAt < 10_000) continue;
    const [{ active }] = await db.$client<Array<{ active: number }>>`
      select count(*)::int as active from pg_stat_activity
      where application_name in (${WORKER_APPLICATION_NAME}, ${JOBS_APPLICATION_NAME}) and state = 'active'`;
    quiet = active === 0 ? quiet + 1 : 0;
  }
  return quiet >= 6;
}

async function main() {
  const reuse = process.env.BENCH_DATABASE_URL;
  const embeddedPort = Number(process.env.BENCH_EMBEDDED_PG_PORT ?? 54349);
  // A database kept on the embedded server stays in its data directory when this process ends: the
  // server is started on it again to time it (without DATABASE_URL, the kept URL names that port).
  const reusesEmbedded = reuse !== undefined && !process.env.DATABASE_URL && new URL(reuse).port === String(embeddedPort);
  // A new database goes on the server DATABASE_URL names, or else on the embedded one (openDatabaseServer decides).
  const server = !reuse || reusesEmbedded ? await openDatabaseServer({ dataDirName: "bench-pg", port: embeddedPort }) : null;
  const database = reuse
    ? { url: reuse, runtimeUrl: await runtimeUrlFor(reuse), drop: async () => {} }
    : await createTestDatabase(server!, "bench_pages");
  const db = createDatabase(database.url, { maxConnections: 4, applicationName: "oversight-bench" });
  const stops: Array<() => Promise<void>> = [];
  try {
    // A kept database is migrated to the current schema (new migrations), not seeded again.
    if (reuse) await runMigrations(db);
    else await seedDemo(db);
    const models = await db.$client<Array<{ id: string; slug: string; versionId: string; version: string }>>`
      select m.id, m.slug, v.id as "versionId", v.version from models m join deployments d on d.model_id = m.id
      join model_versions v on v.id = d.champion_version_id order by m.slug`;
    const end = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    const start = end - DAYS * 24 * HOUR_MS;

    let started = performance.now();
    for (const model of reuse ? [] : models) {
      // Batches of 1 M rows, in the demo's value ranges; a fifth get an outcome, a fiftieth wait for review.
      for (let offset = 0; offset < PER_MODEL; offset += 1_000_000) {
        const count = Math.min(1_000_000, PER_MODEL - offset);
        await db.$client`
          with inserted as (
            insert into predictions (id, created_at, model_id, model_version_id, role, request_id, features, attributes, probability, label, confidence, latency_ms, sent_to_review)
            select gen_random_uuid(), to_timestamp((${start}::float8 + (g::float8 / ${PER_MODEL}::float8) * ${end - start}::float8) / 1000.0),
              ${model.id}, ${model.versionId}, 'champion', 'bench-' || g,
              array[55000 * exp(random() - 0.5), random() * 20, 12000 * exp(random() - 0.5), 36, random() * 0.6, random() * 30, floor(random() * 3), 1 + floor(random() * 8), floor(random() * 2)]::real[],
              jsonb_build_object('sex', case when random() < 0.48 then 'female' else 'male' end, 'age_band', (array['under_25', '25_39', '40_59', '60_plus'])[1 + floor(random() * 4)::int]),
              p, case when p >= 0.3 then 'default' else 'repay' end, greatest(p, 1 - p), 1 + random() * 5, g % 50 = 0
            from (select g, random() * 0.6 as p from generate_series(${offset + 1}::bigint, ${offset + count}::bigint) g) s
            returning id, created_at, model_id, model_version_id, probability, sent_to_review, attributes
          ),
          labelled as (
            -- Recorded a day after the prediction, as a caller sends them, so the last day has none yet. Stamped with the
            -- seeding time instead, every hour would have "new outcomes" (the worker's first monitoring pass would
            -- recompute all of them while the pages are timed), and the last day's would arrive in one burst newer than
            -- the summaries' margin: a day of outcomes read raw by every cost figure until the next summary pass.
            insert into outcomes (prediction_id, prediction_created_at, model_id, label, label_value, source, observed_at, created_at)
            select id, created_at, model_id, case when positive then 'default' else 'repay' end, positive::int, 'api',
              created_at + interval '1 day', created_at + interval '1 day'
            from (select *, random() < probability as positive from inserted where random() < 0.2) drawn
            where created_at + interval '1 day' <= now()
            returning 1
          )
          -- Routed when the prediction was made, as the worker does, so the report's backlog spans the 30 days.
          insert into review_items (prediction_id, prediction_created_at, model_id, model_version_id, reason, due_at, attributes, created_at)
          select id, created_at, model_id, model_version_id, 'low_confidence', created_at + interval '4 hours', attributes, created_at
          from inserted where sent_to_review`;
        process.stdout.write(`\r[bench:pages] ${model.slug}: ${(offset + count).toLocaleString("en-US")} predictions`);
      }
      process.stdout.write("\n");
    }
    if (!reuse) await db.$client`analyze`;
    if (!reuse) log(`insert: ${((performance.now() - started) / 1000).toFixed(1)} s`);

    started = performance.now();
    for (const model of reuse ? [] : models) {
      await computeWindows(
        db,
        Array.from({ length: (end - start) / HOUR_MS }, (_, index) => ({
          versionId: model.versionId,
          hour: new Date(start + index * HOUR_MS),
        })),
      );
    }
    if (!reuse) log(`monitoring windows for ${DAYS} days: ${((performance.now() - started) / 1000).toFixed(1)} s`);

    // The summary pass the worker runs soon after it starts, timed here: it reads every model's whole history once.
    started = performance.now();
    await refreshPredictionSummaries(db);
    log(`prediction summaries (first pass): ${((performance.now() - started) / 1000).toFixed(1)} s`);

    // BENCH_RUNS=0 only seeds (with BENCH_KEEP_DATABASE=1, to time it later).
    if (RUNS === 0) return;
    const password = "bench-pages-password";
    const [benchUser] = reuse ? await db.$client`select id from users where email = 'bench@oversight.test'` : [];
    if (!benchUser) {
      await insertUser(db, {
        email: "bench@oversight.test",
        name: "Bench (every role)",
        passwordHash: await bcrypt.hash(password, 10),
        roles: [...ROLES],
      });
    }
    const apiKey = (await createApiKey(db, { name: "bench", scopes: [...API_KEY_SCOPES], modelIds: null, createdBy: null })).key;
    const [review] = await db.$client<Array<{ id: string }>>`select id from review_items where status = 'open' order by due_at limit 1`;

    await ensureProductionBuild(log);
    const workerStartedAt = Date.now();
    const worker = await startWorkerProcess({ databaseUrl: database.url, env: { LOG_LEVEL: "error" } });
    stops.push(worker.stop);
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const web = startProcess({
      name: "web",
      command: path.resolve("node_modules/.bin/next"),
      args: ["start", "-p", String(port), "-H", "127.0.0.1"],
      env: {
        ...process.env,
        DATABASE_URL: database.runtimeUrl,
        NEXTAUTH_URL: baseUrl,
        NEXTAUTH_SECRET: "bench-pages",
        NEXT_TELEMETRY_DISABLED: "1",
      },
      quiet: true,
    });
    stops.push(() => stopProcess(web));
    await waitForHttp(`${baseUrl}/signin`, 120_000);

    // Pages are timed against a worker in its steady state: its first monitoring pass recomputes every hour with
    // outcomes recorded in the last 7 days (a catch-up after any restart) and would otherwise run beside the timing.
    started = performance.now();
    const idle = await waitForIdleWorker(db, workerStartedAt);
    log(
      `worker's start-up passes: ${((performance.now() - started) / 1000).toFixed(1)} s${idle ? "" : " (still busy after 10 min: timing beside it)"}`,
    );

    // Sign in through next-auth's credentials callback, as the sign-in form does.
    const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const csrfCookie = csrf.headers.getSetCookie().map((cookie) => cookie.split(";")[0]);
    const signIn = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie.join("; "), origin: baseUrl },
      body: new URLSearchParams({ csrfToken, email: "bench@oversight.test", password, json: "true" }),
    });
    const cookie = [...csrfCookie, ...signIn.headers.getSetCookie().map((line) => line.split(";")[0])].join("; ");
    if (!cookie.includes("session-token")) throw new Error(`sign-in failed (HTTP ${signIn.status})`);

    const fill = (pattern: string, model: (typeof models)[number]) =>
      pattern
        .replace("[slug]", model.slug)
        .replace("[name]", model.slug)
        .replace("[version]", model.version)
        .replace("[id]", review?.id ?? "");
    const targets = [
      ...routesOnDisk("page.tsx")
        .filter((route) => route !== "/signin" && (review || !route.includes("[id]")))
        .flatMap((route) => (route.includes("[") ? models.map((model) => fill(route, model)) : [route]))
        .map((url) => ({ url, headers: { cookie } })),
      ...routesOnDisk("route.ts")
        .filter((route) => route.startsWith("/api/v1"))
        .flatMap((route) => (route.includes("[") ? models.map((model) => fill(route, model)) : [route]))
        .map((url) => ({ url, headers: { authorization: `Bearer ${apiKey}` } })),
    ].filter((target) => !process.env.BENCH_ONLY || target.url.includes(process.env.BENCH_ONLY));

    const results: Array<{ url: string; status: number; p50: number; p95: number; judged: string }> = [];
    for (const target of targets) {
      // A streamed download: its first byte is what the server controls (the rest is as long as the export).
      const streamed = /\/labelled(\?|$)/.test(target.url);
      const time = async () => {
        const t0 = performance.now();
        const response = await fetch(baseUrl + target.url, { headers: target.headers, redirect: "manual" });
        const reader = response.body?.getReader();
        let firstByteMs: number | null = null;
        for (;;) {
          const chunk = await reader?.read();
          if (!chunk || chunk.done) break;
          firstByteMs ??= performance.now() - t0;
          // The rest of a download is its length, not the server's work: stop it and move on.
          if (streamed) {
            await reader?.cancel();
            break;
          }
        }
        const lastByteMs = performance.now() - t0;
        return { ms: streamed ? (firstByteMs ?? lastByteMs) : lastByteMs, status: response.status };
      };
      const { status } = await time(); // warm-up: the route's first compile and caches
      const times: number[] = [];
      for (let run = 0; run < RUNS; run += 1) {
        times.push((await time()).ms);
        // A download stopped after its first chunk leaves the pages already on their way to the socket's buffers
        // being read and written for a moment (a few pages of 2,000 rows); back to back, the next request's first
        // byte would wait behind that tail rather than measure itself.
        if (streamed) await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      times.sort((a, b) => a - b);
      results.push({
        url: target.url,
        status,
        p50: nearestRankQuantile(times, 0.5),
        p95: nearestRankQuantile(times, 0.95),
        judged: streamed ? "first byte" : "",
      });
      log(`${target.url}: p50 ${nearestRankQuantile(times, 0.5).toFixed(1)} ms, p95 ${nearestRankQuantile(times, 0.95).toFixed(1)} ms`);
    }

    // A kept database holds what it was seeded with, whatever BENCH_PREDICTIONS says now: read it from the summaries.
    const [seeded] = await db.$client<Array<{ n: number }>>`select coalesce(sum(predictions), 0)::float8 as n from prediction_hours`;
    const perModel = reuse ? Math.round(seeded.n / Math.max(1, models.length)) : PER_MODEL;
    const volume = `${models.length} model(s) × ${perModel.toLocaleString("en-US")} predictions over ${DAYS} days`;
    console.log(
      `\nserver time per route over ${volume} (${RUNS} runs each after a warm-up; time to last byte over loopback, a streamed download to its first):`,
    );
    console.log(`${"route".padEnd(56)} status   p50 ms   p95 ms   goal p95 < ${GOAL_MS} ms`);
    for (const row of results) {
      console.log(
        `${row.url.padEnd(56)} ${String(row.status).padStart(6)} ${row.p50.toFixed(1).padStart(8)} ${row.p95.toFixed(1).padStart(8)}   ${row.p95 < GOAL_MS ? "met" : "NOT met"}${row.judged ? ` (${row.judged})` : ""}`,
      );
    }
    const missed = results.filter((row) => row.p95 >= GOAL_MS);
    console.log(
      `\n${results.length - missed.length} of ${results.length} routes meet p95 < ${GOAL_MS} ms; load average ${fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`,
    );
  } finally {
    for (const stop of stops.reverse()) await stop();
    await closeDatabase(db);
    if (process.env.BENCH_KEEP_DATABASE) console.log(`kept: BENCH_DATABASE_URL=${database.url}`);
    else await database.drop();
    await server?.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

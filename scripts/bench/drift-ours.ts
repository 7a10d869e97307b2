/**
 * One side of `npm run bench:drift`, in its own process so its peak memory is its own:
 * `drift-ours.ts REFERENCE.csv CURRENT.csv [--general] --test f12=ks …` runs the `drift` command's
 * path (by default the fast one: byte reader and measures on worker threads; --general: papaparse
 * into columns, then detectDrift) and prints one JSON object: parse and compute seconds (wall and
 * CPU), peak RSS, threads, and the report.
 */
import { DriftPool, measureDriftPrepared, readDriftPrepared } from "../cli/drift-fast";
import { detectDriftOrThrow, readDriftColumns } from "../cli/stats-commands";

async function main() {
  const [reference, current, ...rest] = process.argv.slice(2);
  const general = rest.includes("--general");
  const test = rest.flatMap((arg, i) => (rest[i - 1] === "--test" ? [arg] : []));
  const options = { reference, current, test };
  const cpu = () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  };
  const started = performance.now();
  const cpuStarted = cpu();
  let cpuParsed: number;
  let parsed: number;
  let report;
  let threads = 1;
  let path = "general";
  if (general) {
    const { columns, selection } = await readDriftColumns(options);
    parsed = performance.now();
    cpuParsed = cpu();
    report = detectDriftOrThrow(columns, selection);
  } else {
    const pool = await DriftPool.open();
    threads = pool.size;
    try {
      const prepared = await readDriftPrepared(pool, options);
      if (prepared === null) throw new Error("the fast reader refused the benchmark's files");
      parsed = performance.now();
      cpuParsed = cpu();
      report = await measureDriftPrepared(pool, prepared.columns, prepared.selection);
      path = "fast";
    } finally {
      await pool.close();
    }
  }
  const computed = performance.now();
  const cpuComputed = cpu();
  console.log(
    JSON.stringify({
      path,
      threads,
      parseSeconds: (parsed - started) / 1000,
      computeSeconds: (computed - parsed) / 1000,
      // CPU seconds of every thread: on a shared machine the fairer comparison.
      parseCpuSeconds: cpuParsed - cpuStarted,
      computeCpuSeconds: cpuComputed - cpuParsed,
      // maxRSS is in KiB and covers the worker threads (one process).
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      report,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});

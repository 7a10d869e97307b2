/**
 * `npm run bench:drift`: a drift report over two CSV files of BENCH_ROWS rows (default 1 000 000)
 * × 20 features (16 numerical, 4 categorical; a few shifted), generated deterministically.
 *  1. ours: the `drift` command's fast path (scripts/cli/drift-fast.ts: byte reader and measures on
 *     worker threads started from a bundle in plain node, counting or radix sort) in a child process (scripts/bench/drift-ours.ts), parse and
 *     compute timed separately, its peak RSS read from the kernel; BENCH_GENERAL=1 also times the
 *     general path (papaparse → columns → detectDrift) the same way;
 *  2. the yardstick: the same statistics in numpy/scipy (scripts/bench/drift-reference.py, run by
 *     /usr/bin/python3) once per reader in BENCH_READERS (default "pandas,loadtxt": pandas' C
 *     read_csv, numpy's C loadtxt); the faster total is the yardstick;
 *  3. ratios ours / yardstick beside the goals (total ≤ 0.25×, peak memory ≤ 1×) and the largest
 *     difference between the two sets of statistics (goal ≤ 1e-12).
 * BENCH_DIR=path writes the CSV files there and keeps them (to time the CLI on its own), else a
 * temp dir is used and removed. Prints figures and the load average (the machine may be shared);
 * asserts nothing. Without python3/numpy/scipy the reference is skipped with the reason.
 */
import { createRandom } from "@/lib/random";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TDriftReport } from "@/lib/stats/drift";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const PYTHON = "/usr/bin/python3";
const REFERENCE_SCRIPT = path.resolve("scripts/bench/drift-reference.py");
const OURS_SCRIPT = path.resolve("scripts/bench/drift-ours.ts");

/** Forced tests so every statistic is exercised at scale; the rest keep the default (Wasserstein, Jensen–Shannon). */
const FORCED_TESTS = ["f12=ks", "f13=ks", "f14=jensenshannon", "f15=jensenshannon", "f16=psi"];

function normal(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

type TCategorical = { name: string; categories: string[]; reference: number[]; current: number[] };

const CATEGORICAL: TCategorical[] = [
  {
    name: "c1",
    categories: ["north", "south", "east", "west", "centre"],
    reference: [0.3, 0.25, 0.2, 0.15, 0.1],
    current: [0.2, 0.25, 0.2, 0.15, 0.2],
  },
  { name: "c2", categories: ["web", "app", "branch"], reference: [0.5, 0.4, 0.1], current: [0.45, 0.4, 0.1, 0.05] },
  {
    name: "c3",
    categories: ["a", "b", "c", "d", "e", "f", "g", "h"],
    reference: [0.2, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
    current: [0.2, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
  },
  { name: "c4", categories: ["yes", "no"], reference: [0.7, 0.3], current: [0.69, 0.31] },
];

/** f01–f04 shift in the current file (mean, scale, both, a second mode); the others do not. */
function numericalValue(feature: number, z: number, current: boolean, uniform: () => number): number {
  const base = 10 * feature + (feature % 3 === 0 ? 5 * z : z);
  if (!current) return base;
  switch (feature) {
    case 1:
      return base + 0.4;
    case 2:
      return 10 * feature + 1.5 * z;
    case 3:
      return base + 0.2 * z + 0.3;
    case 4:
      return uniform() < 0.3 ? base + 3 : base;
    default:
      return base;
  }
}

function pick(shares: number[], u: number): number {
  let sum = 0;
  for (let i = 0; i < shares.length; i += 1) {
    sum += shares[i];
    if (u < sum) return i;
  }
  return shares.length - 1;
}

function writeCsv(file: string, rows: number, current: boolean, seed: number): void {
  const uniform = createRandom(seed).uniform;
  const gaussian = normal(uniform);
  const names = [
    ...Array.from({ length: 16 }, (_, i) => `f${String(i + 1).padStart(2, "0")}`),
    ...CATEGORICAL.map((column) => column.name),
  ];
  const handle = fs.openSync(file, "w");
  try {
    fs.writeSync(handle, `${names.join(",")}\n`);
    let lines: string[] = [];
    for (let row = 0; row < rows; row += 1) {
      const fields: string[] = [];
      for (let feature = 1; feature <= 16; feature += 1) fields.push(numericalValue(feature, gaussian(), current, uniform).toFixed(4));
      for (const column of CATEGORICAL) {
        const shares = current ? column.current : column.reference;
        const index = pick(shares, uniform());
        fields.push(index < column.categories.length ? column.categories[index] : "new");
      }
      lines.push(fields.join(","));
      if (lines.length === 10_000) {
        fs.writeSync(handle, `${lines.join("\n")}\n`);
        lines = [];
      }
    }
    if (lines.length > 0) fs.writeSync(handle, `${lines.join("\n")}\n`);
  } finally {
    fs.closeSync(handle);
  }
}

type TFeatureOutput = { name: string; test: string; statistic: number | null; pValue: number | null };
type TReferenceOutput = {
  reader: string;
  versions: Record<string, string>;
  parseSeconds: number;
  computeSeconds: number;
  parseCpuSeconds: number;
  computeCpuSeconds: number;
  peakRssBytes: number;
  features: TFeatureOutput[];
};
type TOursOutput = {
  path: string;
  threads: number;
  parseSeconds: number;
  computeSeconds: number;
  parseCpuSeconds: number;
  computeCpuSeconds: number;
  peakRssBytes: number;
  report: TDriftReport;
};

function runChild<T>(command: string, args: string[]): Promise<{ output: T; wallSeconds: number } | { skipped: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(command, args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const wallSeconds = (performance.now() - started) / 1000;
      if (error) {
        const missing = /ModuleNotFoundError: No module named '([^']+)'/.exec(stderr);
        resolve({
          skipped: missing
            ? `python3 has no ${missing[1]} module (Debian: apt-get install python3-numpy python3-scipy python3-pandas)`
            : `${path.basename(args[0] ?? command)} failed: ${stderr.trim().split("\n").pop() ?? error.message}`,
        });
        return;
      }
      resolve({ output: JSON.parse(stdout) as T, wallSeconds });
    });
  });
}

const seconds = (value: number) => `${value.toFixed(2)} s`;
const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const load = () =>
  `load average ${os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(", ")} on ${os.availableParallelism()} cores`;

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join("  "))
    .join("\n");
}

/** Largest |Δ| of statistics and of p-values, ours against theirs, feature by feature. */
function agreement(report: TDriftReport, theirs: TFeatureOutput[]) {
  let statistic = 0;
  let pValue = 0;
  let worst = "";
  const mismatches: string[] = [];
  for (const feature of report.features) {
    const other = theirs.find((item) => item.name === feature.name);
    if (!other || other.test !== feature.test || (other.statistic === null) !== (feature.statistic === null)) {
      mismatches.push(feature.name);
      continue;
    }
    if (feature.statistic !== null && other.statistic !== null) {
      const difference = Math.abs(feature.statistic - other.statistic);
      if (difference >= statistic) {
        statistic = difference;
        worst = `${feature.name} (${feature.test}: ours ${feature.statistic}, theirs ${other.statistic})`;
      }
    }
    if (feature.pValue !== null && other.pValue !== null) pValue = Math.max(pValue, Math.abs(feature.pValue - other.pValue));
  }
  return { statistic, pValue, worst, mismatches };
}

async function main() {
  const keep = process.env.BENCH_DIR;
  const dir = keep ? path.resolve(keep) : fs.mkdtempSync(path.join(os.tmpdir(), "oversight-bench-drift-"));
  fs.mkdirSync(dir, { recursive: true });
  const reference = path.join(dir, "reference.csv");
  const current = path.join(dir, "current.csv");
  try {
    const started = performance.now();
    writeCsv(reference, ROWS, false, 20240601);
    writeCsv(current, ROWS, true, 20240602);
    console.log(
      `Generated ${ROWS.toLocaleString("en-US")} + ${ROWS.toLocaleString("en-US")} rows × 20 features (16 numerical, 4 categorical) in ${seconds((performance.now() - started) / 1000)}: ` +
        `${megabytes(fs.statSync(reference).size)} + ${megabytes(fs.statSync(current).size)} in ${dir}`,
    );
    console.log(`Before: ${load()}`);

    const testArgs = FORCED_TESTS.flatMap((test) => ["--test", test]);
    const sides: { label: string; output: TOursOutput }[] = [];
    for (const general of process.env.BENCH_GENERAL === "1" ? [false, true] : [false]) {
      const result = await runChild<TOursOutput>(process.execPath, [
        "--import",
        "tsx",
        OURS_SCRIPT,
        reference,
        current,
        ...testArgs,
        ...(general ? ["--general"] : []),
      ]);
      if ("skipped" in result) throw new Error(result.skipped);
      const { output } = result;
      const label =
        output.path === "fast"
          ? `ours, fast path (bytes, ${output.threads} threads, counting or radix sort)`
          : "ours, general path (papaparse → detectDrift)";
      sides.push({ label, output });
      console.log(
        `\n${label}, Node ${process.version}: parse ${seconds(output.parseSeconds)}, compute ${seconds(output.computeSeconds)} (CPU ${seconds(output.parseCpuSeconds)} + ${seconds(output.computeCpuSeconds)}), peak RSS ${megabytes(output.peakRssBytes)}`,
      );
    }
    const ours = sides[0].output;
    const { report } = ours;
    console.log(
      `  drifted: ${report.features
        .filter((feature) => feature.drifted)
        .map((feature) => `${feature.name} (${feature.test})`)
        .join(", ")}; dataset drift ${report.datasetDrift ? "yes" : "no"} (${(report.driftedShare * 100).toFixed(0)}%)`,
    );
    if (sides.length > 1) {
      const same = JSON.stringify(sides[0].output.report) === JSON.stringify(sides[1].output.report);
      console.log(`  fast and general paths: ${same ? "identical reports" : "REPORTS DIFFER"}`);
    }

    const tests = report.features.map((feature) => `${feature.name}=${feature.test}`).join(",");
    const references: TReferenceOutput[] = [];
    for (const reader of (process.env.BENCH_READERS ?? "pandas,loadtxt").split(",").filter(Boolean)) {
      if (!fs.existsSync(PYTHON)) {
        console.log(`\nReference skipped: ${PYTHON} is not installed.`);
        return;
      }
      const result = await runChild<TReferenceOutput>(PYTHON, [REFERENCE_SCRIPT, reference, current, "--tests", tests, "--reader", reader]);
      if ("skipped" in result) {
        console.log(`\nReference (${reader}) skipped: ${result.skipped}.`);
        continue;
      }
      const { output } = result;
      references.push(output);
      const versions = Object.entries(output.versions)
        .map(([name, version]) => `${name} ${version}`)
        .join(", ");
      console.log(
        `Reference (${output.reader} → numpy/scipy), ${versions}: parse ${seconds(output.parseSeconds)}, compute ${seconds(output.computeSeconds)} (CPU ${seconds(output.parseCpuSeconds)} + ${seconds(output.computeCpuSeconds)}), peak RSS ${megabytes(output.peakRssBytes)}`,
      );
    }
    if (references.length === 0) return;
    const total = (side: { parseSeconds: number; computeSeconds: number }) => side.parseSeconds + side.computeSeconds;
    const yardstick = references.reduce((best, candidate) => (total(candidate) < total(best) ? candidate : best));
    console.log(`Yardstick: the faster reference, ${yardstick.reader} → numpy/scipy.`);

    const ratio = (a: number, b: number) => (a / b).toFixed(2);
    console.log(
      `\n${table([
        ["", "ours", `reference (${yardstick.reader})`, "ours / reference", "goal"],
        ["parse", seconds(ours.parseSeconds), seconds(yardstick.parseSeconds), ratio(ours.parseSeconds, yardstick.parseSeconds), ""],
        [
          "compute",
          seconds(ours.computeSeconds),
          seconds(yardstick.computeSeconds),
          ratio(ours.computeSeconds, yardstick.computeSeconds),
          "",
        ],
        ["total", seconds(total(ours)), seconds(total(yardstick)), ratio(total(ours), total(yardstick)), "≤ 0.25"],
        [
          "total CPU",
          seconds(ours.parseCpuSeconds + ours.computeCpuSeconds),
          seconds(yardstick.parseCpuSeconds + yardstick.computeCpuSeconds),
          ratio(ours.parseCpuSeconds + ours.computeCpuSeconds, yardstick.parseCpuSeconds + yardstick.computeCpuSeconds),
          "",
        ],
        [
          "peak RSS",
          megabytes(ours.peakRssBytes),
          megabytes(yardstick.peakRssBytes),
          ratio(ours.peakRssBytes, yardstick.peakRssBytes),
          "≤ 1.00",
        ],
      ])}`,
    );

    // Agreement: the same statistic per feature, and the p-values where the test has one.
    const against = agreement(report, yardstick.features);
    console.log(
      `\nAgreement with ${yardstick.reader} → scipy over ${report.features.length} features (goal ≤ 1e-12): max |Δ statistic| = ${against.statistic.toExponential(2)} at ${against.worst}; max |Δ p-value| = ${against.pValue.toExponential(2)}`,
    );
    if (against.mismatches.length > 0) console.log(`  MISMATCH (test or null-ness differs): ${against.mismatches.join(", ")}`);
    console.log(`After: ${load()}`);
  } finally {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});

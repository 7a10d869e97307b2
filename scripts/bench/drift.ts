/**
 * `npm run bench:drift`: a drift report over two CSV files of BENCH_ROWS rows (default 1 000 000)
 * × 20 features (16 numerical, 4 categorical; a few shifted), generated deterministically.
 *  1. ours: the `drift` command's path in process — CSV parsing (papaparse into columns), then
 *     detectDrift — timed separately;
 *  2. the yardstick: the same statistics in numpy/scipy (scripts/bench/drift-reference.py, run by
 *     /usr/bin/python3: numpy.loadtxt, then scipy.stats / scipy.spatial.distance), timed the same way;
 *  3. ratios ours / reference and the largest difference between the two sets of statistics.
 * BENCH_DIR=path writes the CSV files there and keeps them (to time the CLI on its own), else a
 * temp dir is used and removed. Prints figures; asserts nothing. Without python3/numpy/scipy the
 * reference is skipped with the reason.
 */
import { createRandom } from "@/lib/random";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { detectDriftOrThrow, readDriftColumns } from "../cli/stats-commands";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const PYTHON = "/usr/bin/python3";
const REFERENCE_SCRIPT = path.resolve("scripts/bench/drift-reference.py");

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

type TReferenceOutput = {
  versions: Record<string, string>;
  parseSeconds: number;
  computeSeconds: number;
  features: { name: string; test: string; statistic: number | null; pValue: number | null }[];
};

function runReference(args: string[]): Promise<{ output: TReferenceOutput; wallSeconds: number } | { skipped: string }> {
  if (!fs.existsSync(PYTHON)) return Promise.resolve({ skipped: `${PYTHON} is not installed` });
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(PYTHON, [REFERENCE_SCRIPT, ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const wallSeconds = (performance.now() - started) / 1000;
      if (error) {
        const missing = /ModuleNotFoundError: No module named '([^']+)'/.exec(stderr);
        resolve({
          skipped: missing
            ? `python3 has no ${missing[1]} module`
            : `the reference failed: ${stderr.trim().split("\n").pop() ?? error.message}`,
        });
        return;
      }
      resolve({ output: JSON.parse(stdout) as TReferenceOutput, wallSeconds });
    });
  });
}

const seconds = (value: number) => `${value.toFixed(2)} s`;
const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function main() {
  const keep = process.env.BENCH_DIR;
  const dir = keep ? path.resolve(keep) : fs.mkdtempSync(path.join(os.tmpdir(), "oversight-bench-drift-"));
  fs.mkdirSync(dir, { recursive: true });
  const reference = path.join(dir, "reference.csv");
  const current = path.join(dir, "current.csv");
  try {
    let started = performance.now();
    writeCsv(reference, ROWS, false, 20240601);
    writeCsv(current, ROWS, true, 20240602);
    console.log(
      `Generated ${ROWS.toLocaleString("en-US")} + ${ROWS.toLocaleString("en-US")} rows × 20 features (16 numerical, 4 categorical) in ${seconds((performance.now() - started) / 1000)}: ` +
        `${megabytes(fs.statSync(reference).size)} + ${megabytes(fs.statSync(current).size)} in ${dir}`,
    );

    started = performance.now();
    const { columns, selection } = await readDriftColumns({ reference, current, test: FORCED_TESTS });
    const parsed = performance.now();
    const report = detectDriftOrThrow(columns, selection);
    const computed = performance.now();
    const ours = { parse: (parsed - started) / 1000, compute: (computed - parsed) / 1000 };
    const rss = process.memoryUsage().rss;
    console.log(
      `\nOurs (papaparse → columns → detectDrift), Node ${process.version}: parse ${seconds(ours.parse)}, compute ${seconds(ours.compute)}, rss ${megabytes(rss)}`,
    );
    console.log(
      `  drifted: ${report.features
        .filter((feature) => feature.drifted)
        .map((feature) => `${feature.name} (${feature.test})`)
        .join(", ")}; dataset drift ${report.datasetDrift ? "yes" : "no"} (${(report.driftedShare * 100).toFixed(0)}%)`,
    );

    const tests = report.features.map((feature) => `${feature.name}=${feature.test}`).join(",");
    const result = await runReference([reference, current, "--tests", tests]);
    if ("skipped" in result) {
      console.log(`\nReference skipped: ${result.skipped}.`);
      return;
    }
    const { output } = result;
    const versions = Object.entries(output.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(", ");
    console.log(
      `Reference (numpy.loadtxt → scipy), ${versions}: parse ${seconds(output.parseSeconds)}, compute ${seconds(output.computeSeconds)}, process wall ${seconds(result.wallSeconds)}`,
    );

    const rows = [
      ["", "ours", "reference", "ours / reference"],
      ["parse", seconds(ours.parse), seconds(output.parseSeconds), (ours.parse / output.parseSeconds).toFixed(2)],
      ["compute", seconds(ours.compute), seconds(output.computeSeconds), (ours.compute / output.computeSeconds).toFixed(2)],
      [
        "total",
        seconds(ours.parse + ours.compute),
        seconds(output.parseSeconds + output.computeSeconds),
        ((ours.parse + ours.compute) / (output.parseSeconds + output.computeSeconds)).toFixed(2),
      ],
    ];
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
    console.log(
      `\n${rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join("  ")).join("\n")}`,
    );

    // Agreement: the same statistic per feature, and the p-values where the test has one.
    let statisticDifference = 0;
    let pValueDifference = 0;
    let worst = "";
    const mismatches: string[] = [];
    for (const feature of report.features) {
      const theirs = output.features.find((item) => item.name === feature.name);
      if (!theirs || theirs.test !== feature.test || (theirs.statistic === null) !== (feature.statistic === null)) {
        mismatches.push(feature.name);
        continue;
      }
      if (feature.statistic !== null && theirs.statistic !== null) {
        const difference = Math.abs(feature.statistic - theirs.statistic);
        if (difference >= statisticDifference) {
          statisticDifference = difference;
          worst = `${feature.name} (${feature.test}: ours ${feature.statistic}, scipy ${theirs.statistic})`;
        }
      }
      if (feature.pValue !== null && theirs.pValue !== null)
        pValueDifference = Math.max(pValueDifference, Math.abs(feature.pValue - theirs.pValue));
    }
    console.log(
      `\nAgreement over ${report.features.length} features: max |Δ statistic| = ${statisticDifference.toExponential(2)} at ${worst}; max |Δ p-value| = ${pValueDifference.toExponential(2)}`,
    );
    if (mismatches.length > 0) console.log(`  MISMATCH (test or null-ness differs): ${mismatches.join(", ")}`);
  } finally {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});

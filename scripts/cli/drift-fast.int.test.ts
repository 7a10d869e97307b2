// The drift command's fast path (byte reader, worker threads, radix sort) against its general path
// (papaparse → columns → detectDrift) on generated files: the same report to the last bit, with
// the files split into several ranges on real worker threads and in process, the same error
// messages, and the general reader taking the files the byte reader refuses. No database.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRandom } from "@/lib/random";
import { DriftPool, fastDriftReport, measureDriftPrepared, readDriftPrepared } from "./drift-fast";
import { detectDriftOrThrow, readDriftColumns, type TDriftOptions } from "./stats-commands";

let dir = "";

/** Numbers in every form the readers meet (exponents, signs, long digits, blanks, nan, inf), and categories some of which look like numbers. */
function writeFile(name: string, rows: number, seed: number, shift: number, lineEnd = "\n"): string {
  const { uniform } = createRandom(seed);
  const lines = ["a,b,c,code,colour,year"];
  for (let i = 0; i < rows; i += 1) {
    const u = uniform();
    const a = u < 0.02 ? "" : u < 0.03 ? "nan" : u < 0.035 ? "inf" : (10 * uniform() + shift).toFixed(4);
    const b = uniform() < 0.5 ? `${((uniform() - 0.5) * 1e-3).toExponential(6)}` : ` ${-uniform() * 1e6} `;
    const c = String(Math.round(uniform() * 20) / 4 + shift);
    // Text in both files ("x"), a category new in the shifted file ("y"), numbers that mean the same ("2", "2.0").
    const code = ["1", "2", "2.0", "x", "y"][Math.floor(uniform() * (shift > 0 ? 5 : 4))];
    const colour = ["red", "green", " blue", "", "0.5"][Math.floor(uniform() * 5)];
    const year = String(2000 + Math.floor(uniform() * 5));
    lines.push([a, b, c, code, colour, year].join(","));
    if (i === Math.floor(rows / 3)) lines.push(""); // a blank line
  }
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join(lineEnd) + lineEnd);
  return file;
}

async function general(options: Omit<TDriftOptions, "json">) {
  const { columns, selection } = await readDriftColumns(options);
  return detectDriftOrThrow(columns, selection);
}

async function fast(options: Omit<TDriftOptions, "json">, threads: number) {
  const pool = await DriftPool.open(threads);
  // Real threads when asked for (the pool runs in process only when threads cannot start).
  expect(pool.size).toBe(Math.max(threads, 1));
  try {
    const prepared = await readDriftPrepared(pool, options);
    if (prepared === null) return null;
    return await measureDriftPrepared(pool, prepared.columns, prepared.selection);
  } finally {
    await pool.close();
  }
}

/** The error message of a promise that must fail. */
async function failure(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  throw new Error("expected a failure");
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "oversight-drift-fast-"));
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("drift fast path", () => {
  it("gives the general path's report, bit for bit, on threads (two ranges per file) and in process", { timeout: 180_000 }, async () => {
    const options = {
      reference: writeFile("reference.csv", 30_000, 1, 0),
      current: writeFile("current.csv", 20_000, 2, 0.5),
      categorical: "year",
      test: ["c=ks", "b=psi", "a=jensenshannon"],
    };
    const expected = await general(options);
    expect(expected.features.map((feature) => `${feature.name}:${feature.kind}:${feature.test}`)).toEqual([
      "a:numerical:jensenshannon",
      "b:numerical:psi",
      "c:numerical:ks",
      "code:categorical:jensenshannon",
      "colour:categorical:jensenshannon",
      "year:categorical:jensenshannon",
    ]);
    expect(await fast(options, 4)).toEqual(expected);
    expect(await fast(options, 0)).toEqual(expected);
    expect(await fastDriftReport(options)).toEqual(expected);
  });

  it("gives the general path's report for small files (exact KS, chi-square) and \\r\\n line ends", { timeout: 120_000 }, async () => {
    const options = {
      reference: writeFile("small-ref.csv", 800, 3, 0, "\r\n"),
      current: writeFile("small-cur.csv", 600, 4, 0.25, "\r\n"),
      test: ["c=chisquare"],
    };
    const expected = await general(options);
    expect(expected.features.find((feature) => feature.name === "a")?.test).toBe("ks");
    expect(expected.features.find((feature) => feature.name === "code")?.test).toBe("chisquare");
    expect(await fast(options, 2)).toEqual(expected);
  });

  it("words the general path's errors", { timeout: 120_000 }, async () => {
    const reference = writeFile("err-ref.csv", 500, 5, 0);
    const current = writeFile("err-cur.csv", 500, 6, 1);
    // "code" with its text replaced by numbers: numbers in one file, text in the other.
    const numbersOnly = path.join(dir, "numbers-only.csv");
    fs.writeFileSync(numbersOnly, fs.readFileSync(reference, "utf8").replace(/,x,/g, ",1,"));
    for (const options of [
      { reference: numbersOnly, current },
      { reference, current, test: ["colour=ks"] },
      { reference, current, columns: "a,missing" },
    ]) {
      const message = await failure(() => general(options));
      expect(await failure(() => fast(options, 0))).toBe(message);
    }
    const blank = path.join(dir, "blank.csv");
    fs.writeFileSync(blank, "a,b\n,1\n ,2\n");
    const message = await failure(() => general({ reference: blank, current: blank }));
    expect(message).toContain("every value is blank");
    expect(await failure(() => fast({ reference: blank, current: blank }, 0))).toBe(message);
  });

  it("leaves quoted files and rows with a wrong field count to the general reader", { timeout: 120_000 }, async () => {
    const quoted = path.join(dir, "quoted.csv");
    fs.writeFileSync(quoted, 'x,label\n1.5,"a, b"\n2.5,c\n3.5,"a, b"\n');
    expect(await fast({ reference: quoted, current: quoted }, 0)).toBeNull();
    expect((await general({ reference: quoted, current: quoted })).features).toHaveLength(2);
    // A \r\n header over \n rows: papaparse splits rows at \r\n only, so the general reader decides.
    const crlfHeader = path.join(dir, "crlf-header.csv");
    fs.writeFileSync(crlfHeader, "x,y\r\n1,2\n3,4\n");
    expect(await fast({ reference: crlfHeader, current: crlfHeader }, 0)).toBeNull();
    const ragged = path.join(dir, "ragged.csv");
    fs.writeFileSync(ragged, "x,y\n1,2\n3\n");
    expect(await fast({ reference: ragged, current: ragged }, 0)).toBeNull();
    expect(await failure(() => general({ reference: ragged, current: ragged }))).toContain("row 3 has 1 field; the header has 2");
  });
});

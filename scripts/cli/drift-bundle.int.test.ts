// The drift threads' bundle (drift-bundle.ts): built by the real esbuild, kept while its sources
// stay the same, built again when any imported file changes, and run by plain node in a worker
// thread without tsx. No database.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unpackRuns, type TNumericalPart } from "@/lib/stats/fast-csv";
import { bundledModule } from "./drift-bundle";

let dir = "";

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "oversight-drift-bundle-"));
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** What the module posts first, run in a worker thread of plain node (no --import tsx). */
function firstMessage(file: string): Promise<unknown> {
  const worker = new Worker(file, { execArgv: [] });
  return new Promise<unknown>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  }).finally(() => worker.terminate());
}

describe("bundledModule", () => {
  it("bundles a module and its imports for plain node, and builds again only when an import changes", { timeout: 60_000 }, async () => {
    const entry = path.join(dir, "entry.ts");
    const helper = path.join(dir, "helper.ts");
    fs.writeFileSync(helper, "export const answer: number = 41;\n");
    fs.writeFileSync(
      entry,
      'import { parentPort } from "node:worker_threads";\nimport { answer } from "./helper";\nparentPort?.postMessage({ answer: answer satisfies number });\n',
    );
    const cache = path.join(dir, "cache");
    const first = await bundledModule(entry, cache);
    expect(first).not.toBeNull();
    expect(path.dirname(first!)).toBe(cache);
    expect(first!.endsWith(".mjs")).toBe(true);
    expect(await firstMessage(first!)).toEqual({ answer: 41 });

    // Unchanged sources: the same file, not written again.
    const written = fs.statSync(first!).mtimeMs;
    expect(await bundledModule(entry, cache)).toBe(first);
    expect(fs.statSync(first!).mtimeMs).toBe(written);

    // An imported file changes: a new bundle with the new code.
    fs.writeFileSync(helper, "export const answer: number = 42;\n");
    const second = await bundledModule(entry, cache);
    expect(second).not.toBe(first);
    expect(await firstMessage(second!)).toEqual({ answer: 42 });
  });

  it("bundles the drift worker, which starts in plain node and answers a parse task", { timeout: 60_000 }, async () => {
    const bundle = await bundledModule(fileURLToPath(new URL("./drift-worker.ts", import.meta.url)));
    expect(bundle).not.toBeNull();
    const file = path.join(dir, "data.csv");
    fs.writeFileSync(file, "x,label\n1.5,a\n-2.25,b\n1e3,a\n");
    const worker = new Worker(bundle!, { execArgv: [] });
    try {
      const messages: unknown[] = [];
      const done = new Promise<void>((resolve, reject) => {
        worker.on("message", (message: unknown) => {
          messages.push(message);
          if (messages.length === 2) resolve();
        });
        worker.once("error", reject);
      });
      const plan = { fieldCount: 2, columns: [{ field: 0, categorical: false }] };
      worker.postMessage({ id: 7, task: { kind: "parse", file, start: 8, end: fs.statSync(file).size, plan, expectedRows: 4 } });
      await done;
      expect(messages[0]).toEqual({ ready: true });
      const answer = messages[1] as { id: number; outcome: { ok: boolean; result: { rows: number; columns: TNumericalPart[] } } };
      expect(answer.id).toBe(7);
      expect(answer.outcome.ok).toBe(true);
      expect(answer.outcome.result.rows).toBe(3);
      const column = answer.outcome.result.columns[0];
      expect(Array.from(unpackRuns(column.runs, new Float64Array(column.length)))).toEqual([1.5, -2.25, 1000]);
    } finally {
      await worker.terminate();
    }
  });
});

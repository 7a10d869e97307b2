import { describe, expect, it } from "vitest";
import type { TInputRow } from "@/lib/registry";
import { createInferenceBatcher } from "./batcher";

type TVersion = { id: string; scale: number };

/** A stand-in "model": P = first feature × the version's scale, so each answer says which row and version made it. */
function recordingRun(fail?: (rows: TInputRow[]) => boolean) {
  const calls: Array<{ version: string; rows: TInputRow[] }> = [];
  const run = async (version: TVersion, rows: TInputRow[]) => {
    calls.push({ version: version.id, rows });
    if (fail?.(rows)) throw new Error("model error");
    return rows.map((row) => Number(row[0]) * version.scale);
  };
  return { run, calls };
}

const a: TVersion = { id: "a", scale: 1 };
const b: TVersion = { id: "b", scale: 1000 };

describe("createInferenceBatcher", () => {
  it("requests of one version in the same turn share one run, and each gets its own rows' answers", async () => {
    const { run, calls } = recordingRun();
    const batcher = createInferenceBatcher({ run });
    const answers = await Promise.all([batcher.run(a, [[1], [2]]), batcher.run(a, [[3]]), batcher.run(a, [[4], [5], [6]])]);
    expect(answers).toEqual([[1, 2], [3], [4, 5, 6]]);
    expect(calls).toEqual([{ version: "a", rows: [[1], [2], [3], [4], [5], [6]] }]);
    expect(batcher.runs()).toBe(1);
  });

  it("never mixes two versions in one run", async () => {
    const { run, calls } = recordingRun();
    const batcher = createInferenceBatcher({ run });
    const answers = await Promise.all([batcher.run(a, [[1]]), batcher.run(b, [[2]]), batcher.run(a, [[3]]), batcher.run(b, [[4]])]);
    expect(answers).toEqual([[1], [2000], [3], [4000]]);
    expect(calls).toEqual([
      { version: "a", rows: [[1], [3]] },
      { version: "b", rows: [[2], [4]] },
    ]);
  });

  it("requests in later turns get runs of their own", async () => {
    const { run, calls } = recordingRun();
    const batcher = createInferenceBatcher({ run });
    expect(await batcher.run(a, [[1]])).toEqual([1]);
    expect(await batcher.run(a, [[2]])).toEqual([2]);
    expect(calls).toHaveLength(2);
  });

  it("a failing shared run is retried per request: only the request the model cannot score fails", async () => {
    const { run, calls } = recordingRun((rows) => rows.some((row) => row[0] === 666));
    const batcher = createInferenceBatcher({ run });
    const settled = await Promise.allSettled([batcher.run(a, [[1]]), batcher.run(a, [[666]]), batcher.run(a, [[3]])]);
    expect(settled.map((result) => (result.status === "fulfilled" ? result.value : "rejected"))).toEqual([[1], "rejected", [3]]);
    // One shared attempt, then one per request.
    expect(calls.map((call) => call.rows)).toEqual([[[1], [666], [3]], [[1]], [[666]], [[3]]]);
  });

  it("a model that always fails rejects every request of the shared run (each then falls back)", async () => {
    const { run } = recordingRun(() => true);
    const batcher = createInferenceBatcher({ run });
    const settled = await Promise.allSettled([batcher.run(a, [[1]]), batcher.run(a, [[2]]), batcher.run(b, [[3]])]);
    expect(settled.map((result) => result.status)).toEqual(["rejected", "rejected", "rejected"]);
  });

  it("splits a turn's rows into runs of at most maxBatchRows, keeping each request whole", async () => {
    const { run, calls } = recordingRun();
    const batcher = createInferenceBatcher({ run, maxBatchRows: 3 });
    const answers = await Promise.all([
      batcher.run(a, [[1], [2]]),
      batcher.run(a, [[3], [4]]),
      batcher.run(a, [[5]]),
      batcher.run(a, [[6], [7], [8], [9]]),
    ]);
    expect(answers).toEqual([[1, 2], [3, 4], [5], [6, 7, 8, 9]]);
    expect(calls.map((call) => call.rows.length)).toEqual([2, 3, 4]);
  });
});

import { describe, expect, it } from "vitest";
import {
  archiveName,
  DEFAULT_RETENTION_MONTHS,
  describeRetentionStep,
  planRetention,
  retentionCutoff,
  type TPredictionPartition,
} from "./retention";

const utc = (text: string) => new Date(`${text}Z`);
const month = (year: number, monthIndex: number, models: TPredictionPartition["models"]): TPredictionPartition => ({
  name: `predictions_${year}_${String(monthIndex + 1).padStart(2, "0")}`,
  range: { from: new Date(Date.UTC(year, monthIndex, 1)), to: new Date(Date.UTC(year, monthIndex + 1, 1)) },
  models,
});
const A = "00000000-0000-0000-0000-00000000000a";
const B = "00000000-0000-0000-0000-00000000000b";

describe("retentionCutoff", () => {
  it("goes back calendar months in UTC", () => {
    expect(retentionCutoff(utc("2026-12-02T04:00:00"), 13)).toEqual(utc("2025-11-02T04:00:00"));
    expect(retentionCutoff(utc("2026-01-15T00:00:00"), 1)).toEqual(utc("2025-12-15T00:00:00"));
  });
  it("clamps the day to the shorter month", () => {
    expect(retentionCutoff(utc("2026-03-31T12:00:00"), 1)).toEqual(utc("2026-02-28T12:00:00"));
    expect(retentionCutoff(utc("2028-03-31T12:00:00"), 1)).toEqual(utc("2028-02-29T12:00:00"));
  });
});

describe("planRetention", () => {
  const now = utc("2026-12-02T04:00:00");
  // With 13 months the cutoff is 2025-11-02T04:00Z: October 2025 is past it, November 2025 is not.
  const old = (modelId: string) => ({ modelId, oldest: utc("2025-10-03T00:00:00") });

  it("drops a month only when every model in it is past retention", () => {
    const steps = planRetention({ now, partitions: [month(2025, 9, [old(A), old(B)]), month(2025, 10, [old(A)])], policies: new Map() });
    expect(steps).toEqual([{ kind: "drop", partition: "predictions_2025_10", range: month(2025, 9, []).range }]);
  });

  it("purges a shorter-retention model's rows from a month the others still keep", () => {
    const steps = planRetention({
      now,
      partitions: [month(2026, 4, [old(A), old(B)])],
      policies: new Map([
        [A, 6],
        [B, 24],
      ]),
    });
    // 6 months back from 2026-12-02 is 2026-06-02: May 2026 (to = 2026-06-01) is past A's retention, not B's.
    expect(steps).toEqual([
      {
        kind: "purge",
        partition: "predictions_2026_05",
        range: month(2026, 4, []).range,
        cuts: [{ modelId: A, before: utc("2026-06-01T00:00:00") }],
      },
    ]);
  });

  it("keeps a month with one long-retention model in it", () => {
    const policies = new Map([[A, 24]]);
    expect(planRetention({ now, partitions: [month(2025, 9, [old(A)])], policies })).toEqual([]);
  });

  it("never touches the current or a future month, whatever the policy", () => {
    const policies = new Map([[A, 1]]);
    expect(planRetention({ now, partitions: [month(2026, 11, [old(A)]), month(2027, 0, [])], policies })).toEqual([]);
  });

  it("drops an empty past month only past the longest policy", () => {
    const policies = new Map([[A, 18]]);
    const empty = [month(2025, 5, []), month(2025, 6, [])];
    // 18 months back is 2025-06-02: May 2025 ends before it; June and July 2025 end after it.
    expect(planRetention({ now, partitions: [month(2025, 4, []), ...empty], policies }).map((step) => step.partition)).toEqual([
      "predictions_2025_05",
    ]);
  });

  it("purges the DEFAULT partition per model up to each model's own cutoff", () => {
    const partition: TPredictionPartition = {
      name: "predictions_default",
      range: null,
      models: [
        { modelId: A, oldest: utc("2020-01-01T00:00:00") },
        { modelId: B, oldest: utc("2026-11-30T00:00:00") },
      ],
    };
    expect(planRetention({ now, partitions: [partition], policies: new Map() })).toEqual([
      {
        kind: "purge",
        partition: "predictions_default",
        range: null,
        cuts: [{ modelId: A, before: retentionCutoff(now, DEFAULT_RETENTION_MONTHS) }],
      },
    ]);
  });
});

describe("archive names and audit sentences", () => {
  it("names a drop by its partition and a purge by its time as well", () => {
    const range = month(2025, 9, []).range!;
    expect(archiveName({ kind: "drop", partition: "predictions_2025_10", range }, utc("2026-12-02T04:05:06.789"))).toBe(
      "predictions_2025_10",
    );
    expect(archiveName({ kind: "purge", partition: "predictions_default", range: null, cuts: [] }, utc("2026-12-02T04:05:06.789"))).toBe(
      "predictions_default-purge-20261202T040506Z",
    );
    expect(describeRetentionStep({ kind: "drop", partition: "predictions_2025_10", range }, { rows: 3, sha256: "ab" })).toBe(
      "partition predictions_2025_10 archived (3 rows, sha256 ab) and dropped",
    );
  });
});

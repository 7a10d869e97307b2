import { describe, expect, it } from "vitest";
import { describeQueueRange, parseQueueQuery, queueHref, rememberSkipped } from "./queue-query";

const ID = "0b6f1a52-3c1e-4d6a-9f0e-2a7b8c9d0e1f";

describe("parseQueueQuery", () => {
  it("keeps the valid filters and names each bad one instead of failing", () => {
    const { query, ignored } = parseQueueQuery({ model: "credit-default", sla: "late", reason: "low_confidence", age: "-3", size: "1000" });
    expect(query).toEqual({ model: "credit-default", reason: "low_confidence", size: 50 });
    expect(ignored).toEqual([
      "sla: “late” is not an SLA state (overdue, due_soon, on_track)",
      "age: “-3” is not a whole number of hours from 1 to 8,760",
      "size: “1000” is not a page size (25, 50, 100, 200)",
    ]);
  });

  it("reads a cursor with microseconds, and treats empty values as no filter", () => {
    const { query, ignored } = parseQueueQuery({ after: `2026-12-02T04:07:15.123456Z_${ID}`, model: "", size: "100" });
    expect(ignored).toEqual([]);
    expect(query).toEqual({ size: 100, after: { dueAt: "2026-12-02T04:07:15.123456Z", id: ID } });
  });

  it("refuses malformed cursors and repeated parameters", () => {
    const { query, ignored } = parseQueueQuery({ after: "2026-13-45T99:00:00Z_nope", before: `x_${ID}`, status: ["mine", "claimed"] });
    expect(query).toEqual({ size: 50 });
    expect(ignored).toHaveLength(3);
    expect(ignored[0]).toBe("status: given more than once");
  });

  it("keeps `after` when both cursors are given", () => {
    const { query } = parseQueueQuery({ after: `2026-12-02T04:07:15Z_${ID}`, before: `2026-12-01T00:00:00Z_${ID}` });
    expect(query.after?.dueAt).toBe("2026-12-02T04:07:15Z");
    expect(query.before).toBeUndefined();
  });
});

describe("queueHref", () => {
  it("round-trips through parseQueueQuery, leaving defaults out", () => {
    const query = parseQueueQuery({
      model: "card-fraud",
      sla: "overdue",
      status: "mine",
      age: "4",
      size: "25",
      before: `2026-12-02T04:07:15.000001Z_${ID}`,
    }).query;
    const href = queueHref(query);
    expect(href).toBe(`/review?model=card-fraud&sla=overdue&status=mine&age=4&size=25&before=2026-12-02T04%3A07%3A15.000001Z_${ID}`);
    expect(parseQueueQuery(Object.fromEntries(new URL(href, "http://x").searchParams)).query).toEqual(query);
    expect(queueHref({ size: 50 })).toBe("/review");
    // Choosing an SLA state starts from the first page.
    expect(queueHref(query, { sla: undefined, before: undefined })).toBe("/review?model=card-fraud&status=mine&age=4&size=25");
  });
});

describe("describeQueueRange", () => {
  it.each([
    [{ offset: 0, shown: 50, total: 257 }, "Showing 1–50 of 257"],
    [{ offset: 250, shown: 7, total: 257 }, "Showing 251–257 of 257"],
    [{ offset: 50_000, shown: 50, total: 100_000 }, "Showing 50,001–50,050 of 100,000"],
    [{ offset: 0, shown: 0, total: 0 }, "Showing 0 of 0"],
  ])("%o reads %s", (input, expected) => {
    expect(describeQueueRange(input)).toBe(expected);
  });
});

describe("rememberSkipped", () => {
  it("keeps the most recent 200 distinct ids, the newest last", () => {
    const ids = Array.from({ length: 200 }, (_, index) => `id-${index}`);
    expect(rememberSkipped(ids, "id-5").slice(-2)).toEqual(["id-199", "id-5"]);
    expect(rememberSkipped(ids, "new")).toHaveLength(200);
    expect(rememberSkipped(ids, "new")[0]).toBe("id-1");
  });
});

import { describe, expect, it } from "vitest";
import { auditFilterRange, ZAuditFilterQuery } from "./filter";

describe("audit filter", () => {
  it("turns blanks into no filter and makes `to` include its whole day", () => {
    const query = ZAuditFilterQuery.parse({ actor: "  ", action: "", model: "credit-default", from: "2026-11-01", to: "2026-11-24" });
    expect(query).toEqual({ actor: undefined, action: undefined, model: "credit-default", from: "2026-11-01", to: "2026-11-24" });
    expect(auditFilterRange(query)).toEqual({ from: new Date("2026-11-01T00:00:00Z"), to: new Date("2026-11-25T00:00:00Z") });
  });

  it("names a malformed date", () => {
    const result = ZAuditFilterQuery.safeParse({ from: "24/11/2026" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(["from"]);
  });
});

import { describe, expect, it } from "vitest";
import { SECTIONS, visibleSections } from "./permissions";

describe("visibleSections", () => {
  it.each([
    [["executive"], ["models", "alerts", "kpis"]],
    [["analyst"], ["models", "review", "alerts"]],
    [["scientist"], ["models", "alerts"]],
    [["committee"], ["models", "review", "alerts", "audit", "kpis"]],
    [["admin"], ["models", "review", "alerts", "audit", "kpis", "admin"]],
    [["analyst", "executive"], ["models", "review", "alerts", "kpis"]],
    [[], []],
  ] as const)("roles %j see %j", (roles, expected) => {
    expect(visibleSections(roles)).toEqual(expected);
  });

  it("only admins reach the admin section", () => {
    expect(SECTIONS.admin.roles).toEqual(["admin"]);
  });
});

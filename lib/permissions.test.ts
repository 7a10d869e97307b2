import { describe, expect, it } from "vitest";
import { PERMISSIONS, apiKeyScopeOf, can, describeRolesWith, visibleSections, type TPermission } from "./permissions";

describe("visibleSections", () => {
  it.each([
    [["executive"], ["models", "alerts", "kpis"]],
    [["analyst"], ["models", "review", "alerts"]],
    [["scientist"], ["models", "alerts"]],
    [["committee"], ["models", "review", "alerts", "audit", "kpis"]],
    [["admin"], ["models", "review", "alerts", "audit", "kpis", "admin"]],
    [
      ["analyst", "executive"],
      ["models", "review", "alerts", "kpis"],
    ],
    [[], []],
  ] as const)("roles %j see %j", (roles, expected) => {
    expect(visibleSections(roles)).toEqual(expected);
  });
});

describe("can", () => {
  // Separation of duties, written out by hand from the roles' duties (not derived from PERMISSIONS).
  it.each([
    ["executive", "kpis.read", true],
    ["executive", "kpis.write", false],
    ["executive", "cost.edit", false],
    ["executive", "deployment.move", false],
    ["scientist", "version.register", true],
    ["scientist", "version.vote", false],
    ["scientist", "deployment.move", false],
    ["committee", "version.vote", true],
    ["committee", "version.register", false],
    ["admin", "version.vote", false],
    ["admin", "deployment.move", false],
    ["admin", "users.manage", true],
    ["analyst", "review.decide", true],
    ["committee", "review.decide", false],
    ["system", "deployment.withdraw", true],
    ["system", "deployment.move", false],
  ] as const)("%s → %s: %s", (role, permission, expected) => {
    expect(can([role], permission)).toBe(expected);
  });

  it("no role at all holds nothing", () => {
    for (const permission of Object.keys(PERMISSIONS) as TPermission[]) expect(can([], permission)).toBe(false);
  });

  it("the worker's capabilities are for API keys only", () => {
    expect(can(["admin", "scientist", "committee", "analyst", "executive"], "predictions.create")).toBe(false);
    expect(apiKeyScopeOf("predictions.create")).toBe("predict");
    expect(apiKeyScopeOf("review.decide")).toBeNull();
  });
});

describe("describeRolesWith", () => {
  it.each([
    ["users.manage", "Admin"],
    ["model.create", "Admin or Data scientist"],
    // The worker's `system` role is nobody a person could ask for.
    ["deployment.withdraw", "Governance committee"],
    [["deployment.move", "version.retire_idle"], "Admin or Governance committee"],
  ] as const)("%j → %s", (permissions, expected) => {
    expect(describeRolesWith(permissions)).toBe(expected);
  });
});

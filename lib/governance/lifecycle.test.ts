import { describe, expect, it } from "vitest";
import { DomainError } from "../errors";
import { ROLES, type TRole } from "../roles";
import { allowedActions, applyDeploymentAction, planTransition, TRANSITIONS, VERSION_ACTIONS, VERSION_STATUSES, type TActor, type TDeploymentState, type TVersionStatus } from "./lifecycle";

// The expected table, written out independently of TRANSITIONS: action → [from statuses, to, roles, system].
const EXPECTED: Record<string, [TVersionStatus[], TVersionStatus | "same", TRole[], boolean]> = {
  start_validation: [["registered", "validation_failed", "rejected"], "validating", ["scientist", "committee", "admin"], true],
  record_validation_passed: [["validating"], "validated", [], true],
  record_validation_failed: [["validating"], "validation_failed", [], true],
  request_approval: [["validated"], "awaiting_approval", ["scientist", "admin"], false],
  approve: [["awaiting_approval"], "approved", ["committee"], false],
  reject: [["awaiting_approval"], "rejected", ["committee"], false],
  start_shadow: [["approved", "canary"], "shadow", ["committee"], false],
  start_canary: [["approved", "shadow"], "canary", ["committee"], false],
  set_canary_percent: [["canary"], "same", ["committee"], false],
  promote: [["approved", "shadow", "canary"], "champion", ["committee"], false],
  rollback: [["champion"], "retired", ["committee"], false],
  withdraw: [["shadow", "canary"], "approved", ["committee"], true],
  retire: [["registered", "validated", "validation_failed", "awaiting_approval", "approved", "rejected", "shadow", "canary"], "retired", ["committee", "admin"], false],
};

const actors: Array<[string, TActor]> = [
  ...ROLES.map((role): [string, TActor] => [role, { kind: "user", roles: [role], id: "u1" }]),
  ["system", { kind: "system" }],
];

describe("planTransition over every action × status × actor", () => {
  it("covers every action", () => expect(Object.keys(EXPECTED).sort()).toEqual([...VERSION_ACTIONS].sort()));

  for (const action of VERSION_ACTIONS) {
    const [from, to, roles, system] = EXPECTED[action];
    for (const status of VERSION_STATUSES) {
      for (const [actorName, actor] of actors) {
        const mayAct = actor.kind === "system" ? system : roles.includes(actor.roles[0]);
        const canaryPercent = action === "start_canary" || action === "set_canary_percent" ? 10 : undefined;
        const expectation = !mayAct ? "403" : !from.includes(status) ? "409" : to === "same" ? status : to;
        it(`${action} on ${status} by ${actorName} → ${expectation}`, () => {
          const run = () => planTransition({ action, status, actor, canaryPercent });
          if (expectation === "403" || expectation === "409") {
            expect(run).toThrow(DomainError);
            try {
              run();
            } catch (error) {
              expect((error as DomainError).status).toBe(Number(expectation));
              expect((error as DomainError).code).toBe(expectation === "403" ? "forbidden" : "invalid_transition");
            }
          } else {
            expect(run()).toBe(expectation);
          }
        });
      }
    }
  }

  it("explains a refusal in words", () => {
    expect(() => planTransition({ action: "promote", status: "rejected", actor: { kind: "user", roles: ["committee"], id: "u" } })).toThrow(
      "Cannot make it the champion a version that is rejected; it must be approved or shadow or canary.",
    );
    expect(() => planTransition({ action: "promote", status: "approved", actor: { kind: "user", roles: ["scientist"], id: "u" } })).toThrow("Only the committee role may make it the champion.");
  });

  it.each([0, 51, 12.5, undefined])("refuses a canary percent of %s with 422", (canaryPercent) => {
    const committee: TActor = { kind: "user", roles: ["committee"], id: "u" };
    expect(() => planTransition({ action: "start_canary", status: "approved", actor: committee, canaryPercent })).toThrow(expect.objectContaining({ status: 422, code: "invalid_canary_percent" }));
  });

  it("the table has no action a person and the system both cannot take, except system-only ones", () => {
    for (const action of VERSION_ACTIONS) expect(TRANSITIONS[action].roles.length > 0 || TRANSITIONS[action].system).toBe(true);
  });
});

describe("allowedActions", () => {
  it.each([
    ["approved", ["committee"], ["start_shadow", "start_canary", "promote", "retire"]],
    ["canary", ["committee"], ["start_shadow", "set_canary_percent", "promote", "withdraw", "retire"]],
    ["champion", ["committee"], ["rollback"]],
    ["validated", ["scientist"], ["request_approval"]],
    ["champion", ["executive"], []],
  ] as const)("%s for %j", (status, roles, expected) => {
    expect(allowedActions({ status, actor: { kind: "user", roles, id: "u" } })).toEqual(expected);
  });
});

describe("applyDeploymentAction", () => {
  const base: TDeploymentState = { championVersionId: "v1", challengerVersionId: null, previousChampionVersionId: null, mode: "off", canaryPercent: 0, killSwitch: false };

  it("shadow → canary → promote → rollback returns the previous champion", () => {
    const shadow = applyDeploymentAction(base, { action: "start_shadow", versionId: "v2" }).deployment;
    expect(shadow).toMatchObject({ championVersionId: "v1", challengerVersionId: "v2", mode: "shadow", canaryPercent: 0 });
    const canary = applyDeploymentAction(shadow, { action: "start_canary", versionId: "v2", canaryPercent: 10 }).deployment;
    expect(canary).toMatchObject({ challengerVersionId: "v2", mode: "canary", canaryPercent: 10 });
    const promoted = applyDeploymentAction(canary, { action: "promote", versionId: "v2" });
    expect(promoted.deployment).toEqual({ ...base, championVersionId: "v2", previousChampionVersionId: "v1" });
    expect(promoted.sideEffects).toEqual([{ versionId: "v1", status: "retired" }]);
    const rolledBack = applyDeploymentAction(promoted.deployment, { action: "rollback", versionId: "v2" });
    expect(rolledBack.deployment).toEqual({ ...base, championVersionId: "v1", previousChampionVersionId: null });
    expect(rolledBack.sideEffects).toEqual([{ versionId: "v1", status: "champion" }]);
  });

  it("keeps the kill switch as it is", () => {
    expect(applyDeploymentAction({ ...base, killSwitch: true }, { action: "promote", versionId: "v2" }).deployment.killSwitch).toBe(true);
  });

  it.each([
    ["a second challenger", { ...base, challengerVersionId: "v2", mode: "shadow" as const }, { action: "start_canary" as const, versionId: "v3", canaryPercent: 5 }, "challenger_busy"],
    ["a shadow with no champion", { ...base, championVersionId: null }, { action: "start_shadow" as const, versionId: "v2" }, "no_champion"],
    ["a rollback with no previous champion", base, { action: "rollback" as const, versionId: "v1" }, "no_previous_champion"],
    ["a rollback of a version that is not champion", { ...base, previousChampionVersionId: "v0" }, { action: "rollback" as const, versionId: "v9" }, "not_champion"],
    ["a percent change of a shadow", { ...base, challengerVersionId: "v2", mode: "shadow" as const }, { action: "set_canary_percent" as const, versionId: "v2", canaryPercent: 5 }, "not_canary"],
    ["withdrawing a version that is not the challenger", base, { action: "withdraw" as const, versionId: "v2" }, "not_challenger"],
    ["promoting past another challenger", { ...base, challengerVersionId: "v2", mode: "canary" as const, canaryPercent: 5 }, { action: "promote" as const, versionId: "v3" }, "challenger_busy"],
  ])("refuses %s", (_name, state, input, code) => {
    expect(() => applyDeploymentAction(state, input)).toThrow(expect.objectContaining({ code, status: 409 }));
  });

  it("a first promotion (no champion yet) retires nothing", () => {
    expect(applyDeploymentAction({ ...base, championVersionId: null }, { action: "promote", versionId: "v1" }).sideEffects).toEqual([]);
  });
});

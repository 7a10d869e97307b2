import { describe, expect, it } from "vitest";
import { DomainError } from "../errors";
import { ACTOR_ROLES, type TActorRole } from "../permissions";
import {
  ACTION_ROLES,
  allowedActions,
  applyDeploymentAction,
  assertMayPerformOrThrow,
  EMPTY_DEPLOYMENT,
  GOVERNANCE_ACTIONS,
  MODEL_ACTIONS,
  mayPerform,
  planTransition,
  reasonForOrThrow,
  VERSION_ACTIONS,
  VERSION_STATUSES,
  type TDeploymentActionInput,
  type TDeploymentSnapshot,
  type TModelAction,
  type TTransitionContext,
  type TVersionAction,
  type TVersionStatus,
} from "./lifecycle";

// The expected transition table, written out again from the README rather than read from TRANSITIONS:
// per action, the status it leads to and, per status it may start from, the roles that may take it.
const EXPECTED: Record<TVersionAction, { to: TVersionStatus | "unchanged"; from: Partial<Record<TVersionStatus, TActorRole[]>> }> = {
  start_validation: {
    to: "validating",
    from: {
      registered: ["scientist", "committee", "admin", "system"],
      validation_failed: ["scientist", "committee", "admin", "system"],
      rejected: ["scientist", "committee", "admin", "system"],
    },
  },
  record_validation_passed: { to: "validated", from: { validating: ["system"] } },
  record_validation_failed: { to: "validation_failed", from: { validating: ["system"] } },
  request_approval: { to: "awaiting_approval", from: { validated: ["scientist", "admin"] } },
  approve: { to: "approved", from: { awaiting_approval: ["committee"] } },
  reject: { to: "rejected", from: { awaiting_approval: ["committee"] } },
  start_shadow: { to: "shadow", from: { approved: ["committee"], canary: ["committee"] } },
  start_canary: { to: "canary", from: { approved: ["committee"], shadow: ["committee"] } },
  set_canary_percent: { to: "unchanged", from: { canary: ["committee"] } },
  promote: { to: "champion", from: { approved: ["committee"], shadow: ["committee"], canary: ["committee"] } },
  rollback: { to: "retired", from: { champion: ["committee"] } },
  withdraw: { to: "approved", from: { shadow: ["committee", "system"], canary: ["committee", "system"] } },
  retire: {
    to: "retired",
    from: {
      registered: ["committee", "admin"],
      validated: ["committee", "admin"],
      validation_failed: ["committee", "admin"],
      awaiting_approval: ["committee", "admin"],
      approved: ["committee", "admin"],
      rejected: ["committee", "admin"],
      shadow: ["committee"],
      canary: ["committee"],
      champion: ["committee"],
    },
  },
  vote: { to: "unchanged", from: { awaiting_approval: ["committee"] } },
};

// The role table of the README, written out independently of ACTION_ROLES.
const EXPECTED_ROLE_TABLE: Record<string, TActorRole[]> = {
  start_validation: ["admin", "scientist", "committee", "system"],
  record_validation_passed: ["system"],
  record_validation_failed: ["system"],
  request_approval: ["admin", "scientist"],
  approve: ["committee"],
  reject: ["committee"],
  start_shadow: ["committee"],
  start_canary: ["committee"],
  set_canary_percent: ["committee"],
  promote: ["committee"],
  rollback: ["committee"],
  withdraw: ["committee", "system"],
  retire: ["admin", "committee"],
  vote: ["committee"],
  create_model: ["scientist", "admin"],
  edit_model: ["scientist", "admin"],
  register_version: ["scientist", "admin"],
  kill_switch_on: ["committee"],
  kill_switch_off: ["committee"],
  edit_fallback_rules: ["committee"],
  edit_policy: ["admin"],
};

function contextFor(action: TVersionAction): TTransitionContext {
  if (action === "start_canary" || action === "set_canary_percent") return { canaryPercent: 10 };
  if (action === "approve") return { voteOutcome: "approved" };
  if (action === "reject") return { voteOutcome: "rejected" };
  return {};
}

/** What the expected table says about one role taking one action on one status. */
function expectedOutcome(
  action: TVersionAction,
  status: TVersionStatus,
  role: TActorRole,
): { error: [string, number] } | { to: TVersionStatus } {
  const { to, from } = EXPECTED[action];
  const anyStatusRoles = Object.values(from).flat();
  if (!anyStatusRoles.includes(role)) return { error: ["forbidden", 403] };
  const rowRoles = from[status];
  if (!rowRoles) return { error: ["invalid_transition", 409] };
  if (!rowRoles.includes(role)) return { error: ["forbidden", 403] };
  return { to: to === "unchanged" ? status : to };
}

function errorOf(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a DomainError, but the call succeeded");
}

describe("the transition table", () => {
  it("covers every version action", () => expect(Object.keys(EXPECTED).sort()).toEqual([...VERSION_ACTIONS].sort()));

  it("ACTION_ROLES is the README's role table", () => {
    expect(Object.keys(ACTION_ROLES).sort()).toEqual([...GOVERNANCE_ACTIONS].sort());
    for (const action of GOVERNANCE_ACTIONS) expect([...ACTION_ROLES[action]].sort()).toEqual([...EXPECTED_ROLE_TABLE[action]].sort());
  });

  it("gives analysts and executives no action at all", () => {
    for (const action of GOVERNANCE_ACTIONS) expect(mayPerform({ action, actorRoles: ["analyst", "executive"] })).toBe(false);
  });
});

describe("planTransition over every action × status × role", () => {
  const cases = VERSION_ACTIONS.flatMap((action) =>
    VERSION_STATUSES.flatMap((status) => ACTOR_ROLES.map((role) => [action, status, role] as const)),
  );

  it("has 14 actions × 11 statuses × 6 roles = 924 cases", () => expect(cases).toHaveLength(924));

  it.each(cases)("%s on %s by %s", (action, status, role) => {
    const expected = expectedOutcome(action, status, role);
    const run = () => planTransition({ action, version: { status }, actorRoles: [role], context: contextFor(action) });
    if ("error" in expected) {
      const error = errorOf(run);
      expect([error.code, error.status]).toEqual(expected.error);
      expect(error.message).toMatch(/^(Only .+ may .+|Cannot .+ while the version is ".+"; it must be .+)\.$/);
    } else {
      expect(run()).toMatchObject({ action, from: status, to: expected.to });
    }
  });
});

describe("planTransition", () => {
  it("lets a person with several roles act under any of them", () => {
    const both: TActorRole[] = ["scientist", "committee"];
    expect(planTransition({ action: "request_approval", version: { status: "validated" }, actorRoles: both }).to).toBe("awaiting_approval");
    expect(planTransition({ action: "promote", version: { status: "canary" }, actorRoles: both }).to).toBe("champion");
  });

  it("refuses everybody with no roles", () => {
    for (const action of VERSION_ACTIONS)
      expect(
        errorOf(() => planTransition({ action, version: { status: "approved" }, actorRoles: [], context: contextFor(action) })).status,
      ).toBe(403);
  });

  it("explains each refusal in a sentence", () => {
    expect(errorOf(() => planTransition({ action: "promote", version: { status: "approved" }, actorRoles: ["scientist"] })).message).toBe(
      "Only the governance committee may promote a version to champion.",
    );
    expect(
      errorOf(() => planTransition({ action: "start_validation", version: { status: "registered" }, actorRoles: ["analyst"] })).message,
    ).toBe("Only an admin, a data scientist, the governance committee or the system (a worker job) may start validation.");
    expect(errorOf(() => planTransition({ action: "retire", version: { status: "canary" }, actorRoles: ["admin"] })).message).toBe(
      'Only the governance committee may retire a version while the version is "canary".',
    );
    expect(errorOf(() => planTransition({ action: "promote", version: { status: "rejected" }, actorRoles: ["committee"] })).message).toBe(
      'Cannot promote a version to champion while the version is "rejected"; it must be "approved", "shadow" or "canary".',
    );
  });

  it("checks the role before the state, so a refused user learns nothing about the version", () => {
    expect(errorOf(() => planTransition({ action: "rollback", version: { status: "registered" }, actorRoles: ["executive"] })).status).toBe(
      403,
    );
  });

  it.each([
    ["zero", 0],
    ["above 50", 51],
    ["a fraction", 12.5],
    ["negative", -1],
    ["NaN", Number.NaN],
    ["missing", undefined],
  ])("refuses a canary percent that is %s with 422", (_name, canaryPercent) => {
    for (const [action, status] of [
      ["start_canary", "approved"],
      ["set_canary_percent", "canary"],
    ] as const) {
      const error = errorOf(() => planTransition({ action, version: { status }, actorRoles: ["committee"], context: { canaryPercent } }));
      expect([error.code, error.status]).toEqual(["invalid_canary_percent", 422]);
      expect(error.message).toMatch(/^A canary takes a whole percent of traffic from 1 to 50/);
    }
  });

  it.each([1, 50])("accepts a canary percent of %i (the boundaries)", (canaryPercent) => {
    expect(
      planTransition({ action: "start_canary", version: { status: "shadow" }, actorRoles: ["committee"], context: { canaryPercent } }).to,
    ).toBe("canary");
  });

  it("judges the role and the state before the percent", () => {
    expect(
      errorOf(() =>
        planTransition({
          action: "start_canary",
          version: { status: "approved" },
          actorRoles: ["scientist"],
          context: { canaryPercent: 0 },
        }),
      ).status,
    ).toBe(403);
    expect(
      errorOf(() =>
        planTransition({
          action: "start_canary",
          version: { status: "registered" },
          actorRoles: ["committee"],
          context: { canaryPercent: 0 },
        }),
      ).status,
    ).toBe(409);
  });

  it.each([
    ["approve", undefined, "quorum_not_reached"],
    ["approve", "pending", "quorum_not_reached"],
    ["approve", "rejected", "quorum_not_reached"],
    ["reject", undefined, "no_rejecting_vote"],
    ["reject", "pending", "no_rejecting_vote"],
    ["reject", "approved", "no_rejecting_vote"],
  ] as const)("refuses %s when the votes say %s", (action, voteOutcome, code) => {
    const error = errorOf(() =>
      planTransition({ action, version: { status: "awaiting_approval" }, actorRoles: ["committee"], context: { voteOutcome } }),
    );
    expect([error.code, error.status]).toEqual([code, 409]);
  });

  it("names the side effects on other versions", () => {
    expect(planTransition({ action: "promote", version: { status: "canary" }, actorRoles: ["committee"] }).sideEffects).toEqual([
      expect.objectContaining({ subject: "current_champion", to: "retired" }),
    ]);
    expect(planTransition({ action: "rollback", version: { status: "champion" }, actorRoles: ["committee"] }).sideEffects).toEqual([
      expect.objectContaining({ subject: "previous_champion", to: "champion" }),
    ]);
    expect(planTransition({ action: "withdraw", version: { status: "canary" }, actorRoles: ["system"] }).sideEffects).toEqual([]);
  });
});

describe("the actions that move no version", () => {
  const cases = MODEL_ACTIONS.flatMap((action) =>
    ACTOR_ROLES.map((role) => [action, role, EXPECTED_ROLE_TABLE[action].includes(role)] as const),
  );
  it.each(cases)("%s by %s: allowed %s", (action: TModelAction, role, allowed) => {
    expect(mayPerform({ action, actorRoles: [role] })).toBe(allowed);
    if (allowed) expect(() => assertMayPerformOrThrow({ action, actorRoles: [role] })).not.toThrow();
    else expect(errorOf(() => assertMayPerformOrThrow({ action, actorRoles: [role] }))).toMatchObject({ code: "forbidden", status: 403 });
  });

  it("says who may use the kill switch", () => {
    expect(errorOf(() => assertMayPerformOrThrow({ action: "kill_switch_on", actorRoles: ["admin"] })).message).toBe(
      "Only the governance committee may turn the kill switch on.",
    );
  });
});

describe("allowedActions", () => {
  const cases = VERSION_STATUSES.flatMap((status) => ACTOR_ROLES.map((role) => [status, role] as const));
  it.each(cases)("on %s for %s, exactly the table's actions except approve and reject", (status, role) => {
    const expected = VERSION_ACTIONS.filter(
      (action) => action !== "approve" && action !== "reject" && EXPECTED[action].from[status]?.includes(role),
    );
    expect(allowedActions({ status, actorRoles: [role] })).toEqual(expected);
  });

  it.each([
    ["approved", ["committee"], ["start_shadow", "start_canary", "promote", "retire"]],
    ["canary", ["committee"], ["start_shadow", "set_canary_percent", "promote", "withdraw", "retire"]],
    ["champion", ["committee"], ["rollback", "retire"]],
    ["awaiting_approval", ["committee"], ["retire", "vote"]],
    ["validated", ["scientist"], ["request_approval"]],
    ["validating", ["scientist", "committee", "admin"], []],
    ["champion", ["executive", "analyst"], []],
  ] as const)("on %s for %j: %j", (status, actorRoles, expected) => {
    expect(allowedActions({ status, actorRoles })).toEqual(expected);
  });

  it("leaves out what the deployment would refuse", () => {
    const deployment: TDeploymentSnapshot = {
      ...EMPTY_DEPLOYMENT,
      championVersionId: "v1",
      challengerVersionId: "v2",
      mode: "canary",
      canaryPercent: 10,
      revision: 4,
    };
    // Another version is the challenger: v3 can only be retired until the slot is free.
    expect(allowedActions({ status: "approved", actorRoles: ["committee"], deploymentContext: { deployment, versionId: "v3" } })).toEqual([
      "retire",
    ]);
    // The champion has no previous champion to roll back to, and cannot retire while a challenger runs.
    expect(allowedActions({ status: "champion", actorRoles: ["committee"], deploymentContext: { deployment, versionId: "v1" } })).toEqual(
      [],
    );
    expect(allowedActions({ status: "canary", actorRoles: ["committee"], deploymentContext: { deployment, versionId: "v2" } })).toEqual([
      "start_shadow",
      "set_canary_percent",
      "promote",
      "withdraw",
      "retire",
    ]);
    // With no champion, a first version can only be promoted.
    expect(
      allowedActions({
        status: "approved",
        actorRoles: ["committee"],
        deploymentContext: { deployment: EMPTY_DEPLOYMENT, versionId: "v1" },
      }),
    ).toEqual(["promote", "retire"]);
  });
});

describe("applyDeploymentAction", () => {
  const withChampion: TDeploymentSnapshot = { ...EMPTY_DEPLOYMENT, championVersionId: "v1", revision: 3 };
  const apply = (deployment: TDeploymentSnapshot, input: TDeploymentActionInput) => applyDeploymentAction(deployment, input);

  it("walks first promotion → shadow → canary → percent → promotion → rollback, bumping the revision once per change", () => {
    const first = apply(EMPTY_DEPLOYMENT, { action: "promote", version: { id: "v1", status: "approved" } });
    expect(first).toEqual({
      deployment: { ...EMPTY_DEPLOYMENT, championVersionId: "v1", revision: 1 },
      changed: true,
      statusChanges: [{ versionId: "v1", from: "approved", to: "champion" }],
    });

    const shadow = apply(first.deployment, { action: "start_shadow", version: { id: "v2", status: "approved" } });
    expect(shadow.deployment).toEqual({ ...first.deployment, challengerVersionId: "v2", mode: "shadow", canaryPercent: 0, revision: 2 });
    expect(shadow.statusChanges).toEqual([{ versionId: "v2", from: "approved", to: "shadow" }]);

    const canary = apply(shadow.deployment, { action: "start_canary", version: { id: "v2", status: "shadow" }, canaryPercent: 10 });
    expect(canary.deployment).toMatchObject({ challengerVersionId: "v2", mode: "canary", canaryPercent: 10, revision: 3 });

    const wider = apply(canary.deployment, { action: "set_canary_percent", version: { id: "v2", status: "canary" }, canaryPercent: 25 });
    expect(wider).toMatchObject({ deployment: { canaryPercent: 25, revision: 4 }, changed: true, statusChanges: [] });

    const promoted = apply(wider.deployment, { action: "promote", version: { id: "v2", status: "canary" } });
    expect(promoted.deployment).toEqual({ ...EMPTY_DEPLOYMENT, championVersionId: "v2", previousChampionVersionId: "v1", revision: 5 });
    expect(promoted.statusChanges).toEqual([
      { versionId: "v1", from: "champion", to: "retired" },
      { versionId: "v2", from: "canary", to: "champion" },
    ]);

    const rolledBack = apply(promoted.deployment, { action: "rollback", version: { id: "v2", status: "champion" } });
    expect(rolledBack.deployment).toEqual({ ...EMPTY_DEPLOYMENT, championVersionId: "v1", previousChampionVersionId: null, revision: 6 });
    expect(rolledBack.statusChanges).toEqual([
      { versionId: "v2", from: "champion", to: "retired" },
      { versionId: "v1", from: "retired", to: "champion" },
    ]);
  });

  it("keeps a running challenger through a rollback: it now compares with the restored champion", () => {
    const deployment: TDeploymentSnapshot = {
      ...EMPTY_DEPLOYMENT,
      championVersionId: "v2",
      previousChampionVersionId: "v1",
      challengerVersionId: "v3",
      mode: "shadow",
      revision: 9,
    };
    expect(apply(deployment, { action: "rollback", version: { id: "v2", status: "champion" } }).deployment).toEqual({
      ...deployment,
      championVersionId: "v1",
      previousChampionVersionId: null,
      revision: 10,
    });
  });

  it("turns the kill switch on and off without touching anything else", () => {
    const on = apply(withChampion, { action: "kill_switch_on" });
    expect(on).toEqual({ deployment: { ...withChampion, killSwitch: true, revision: 4 }, changed: true, statusChanges: [] });
    expect(apply(on.deployment, { action: "kill_switch_off" }).deployment).toEqual({ ...withChampion, revision: 5 });
  });

  it("keeps the kill switch as it is through other moves", () => {
    const killed = { ...withChampion, killSwitch: true };
    expect(apply(killed, { action: "start_shadow", version: { id: "v2", status: "approved" } }).deployment.killSwitch).toBe(true);
  });

  it("withdraws and retires a challenger by freeing the slot", () => {
    const canary: TDeploymentSnapshot = { ...withChampion, challengerVersionId: "v2", mode: "canary", canaryPercent: 5 };
    expect(apply(canary, { action: "withdraw", version: { id: "v2", status: "canary" } })).toMatchObject({
      deployment: { ...withChampion, revision: 4 },
      statusChanges: [{ versionId: "v2", from: "canary", to: "approved" }],
    });
    expect(apply(canary, { action: "retire", version: { id: "v2", status: "canary" } })).toMatchObject({
      deployment: { ...withChampion, revision: 4 },
      statusChanges: [{ versionId: "v2", from: "canary", to: "retired" }],
    });
  });

  it("retires the champion by decommissioning the model (the fallback rules answer)", () => {
    const deployment = { ...withChampion, previousChampionVersionId: "v0" };
    expect(apply(deployment, { action: "retire", version: { id: "v1", status: "champion" } })).toEqual({
      deployment: { ...deployment, championVersionId: null, revision: 4 },
      changed: true,
      statusChanges: [{ versionId: "v1", from: "champion", to: "retired" }],
    });
  });

  it("retires a version off traffic without changing the row or its revision", () => {
    expect(apply(withChampion, { action: "retire", version: { id: "v7", status: "validated" } })).toEqual({
      deployment: withChampion,
      changed: false,
      statusChanges: [{ versionId: "v7", from: "validated", to: "retired" }],
    });
  });

  it("passes the row's other columns through untouched", () => {
    const row = { ...withChampion, modelId: "m1", confidenceThreshold: 0.6 };
    expect(applyDeploymentAction(row, { action: "kill_switch_on" }).deployment).toEqual({ ...row, killSwitch: true, revision: 4 });
  });

  const shadowing: TDeploymentSnapshot = { ...withChampion, challengerVersionId: "v2", mode: "shadow" };
  it.each([
    [
      "a shadow with no champion",
      EMPTY_DEPLOYMENT,
      { action: "start_shadow", version: { id: "v2", status: "approved" } },
      "no_champion",
      409,
    ],
    [
      "a canary with no champion",
      EMPTY_DEPLOYMENT,
      { action: "start_canary", version: { id: "v2", status: "approved" }, canaryPercent: 5 },
      "no_champion",
      409,
    ],
    [
      "a canary of a version that is not approved",
      withChampion,
      { action: "start_canary", version: { id: "v2", status: "validated" }, canaryPercent: 5 },
      "invalid_transition",
      409,
    ],
    [
      "a canary with a percent of 0",
      withChampion,
      { action: "start_canary", version: { id: "v2", status: "approved" }, canaryPercent: 0 },
      "invalid_canary_percent",
      422,
    ],
    [
      "a canary with no percent",
      withChampion,
      { action: "start_canary", version: { id: "v2", status: "approved" } },
      "invalid_canary_percent",
      422,
    ],
    [
      "a second challenger",
      shadowing,
      { action: "start_canary", version: { id: "v3", status: "approved" }, canaryPercent: 5 },
      "challenger_busy",
      409,
    ],
    [
      "a percent change of a shadow",
      shadowing,
      { action: "set_canary_percent", version: { id: "v2", status: "canary" }, canaryPercent: 5 },
      "not_canary",
      409,
    ],
    [
      "a percent change of a version that is not the challenger",
      shadowing,
      { action: "set_canary_percent", version: { id: "v3", status: "canary" }, canaryPercent: 5 },
      "not_canary",
      409,
    ],
    [
      "a percent of 51",
      { ...shadowing, mode: "canary", canaryPercent: 5 },
      { action: "set_canary_percent", version: { id: "v2", status: "canary" }, canaryPercent: 51 },
      "invalid_canary_percent",
      422,
    ],
    [
      "promoting past another challenger",
      shadowing,
      { action: "promote", version: { id: "v3", status: "approved" } },
      "challenger_busy",
      409,
    ],
    [
      "promoting a shadow that is not the challenger",
      withChampion,
      { action: "promote", version: { id: "v2", status: "shadow" } },
      "not_challenger",
      409,
    ],
    [
      "promoting a rejected version",
      withChampion,
      { action: "promote", version: { id: "v2", status: "rejected" } },
      "invalid_transition",
      409,
    ],
    [
      "promoting the champion again",
      withChampion,
      { action: "promote", version: { id: "v1", status: "approved" } },
      "already_champion",
      409,
    ],
    [
      "a rollback with no previous champion",
      withChampion,
      { action: "rollback", version: { id: "v1", status: "champion" } },
      "no_previous_champion",
      409,
    ],
    [
      "a rollback of a version that is not the champion",
      { ...withChampion, previousChampionVersionId: "v0" },
      { action: "rollback", version: { id: "v9", status: "champion" } },
      "not_champion",
      409,
    ],
    [
      "a rollback of an approved version",
      { ...withChampion, previousChampionVersionId: "v0" },
      { action: "rollback", version: { id: "v1", status: "approved" } },
      "invalid_transition",
      409,
    ],
    [
      "withdrawing a version that is not the challenger",
      shadowing,
      { action: "withdraw", version: { id: "v3", status: "shadow" } },
      "not_challenger",
      409,
    ],
    [
      "retiring the champion while a challenger runs",
      shadowing,
      { action: "retire", version: { id: "v1", status: "champion" } },
      "challenger_running",
      409,
    ],
    [
      "retiring a shadow the deployment does not name",
      withChampion,
      { action: "retire", version: { id: "v5", status: "shadow" } },
      "not_deployed",
      409,
    ],
    ["retiring a retired version", withChampion, { action: "retire", version: { id: "v5", status: "retired" } }, "invalid_transition", 409],
    [
      "the kill switch on when it is on",
      { ...withChampion, killSwitch: true },
      { action: "kill_switch_on" },
      "kill_switch_already_on",
      409,
    ],
    ["the kill switch off when it is off", withChampion, { action: "kill_switch_off" }, "kill_switch_already_off", 409],
  ] as Array<[string, TDeploymentSnapshot, TDeploymentActionInput, string, number]>)(
    "refuses %s",
    (_name, deployment, input, code, status) => {
      expect(errorOf(() => apply(deployment, input))).toMatchObject({ code, status });
    },
  );
});

describe("reasonForOrThrow", () => {
  it.each(["rollback", "kill_switch_on", "kill_switch_off"] as const)("needs a reason of at least 5 characters for %s", (action) => {
    expect(errorOf(() => reasonForOrThrow(action, undefined))).toMatchObject({ code: "reason_required", status: 422 });
    expect(errorOf(() => reasonForOrThrow(action, "  abcd  "))).toMatchObject({ code: "reason_required", status: 422 });
    expect(reasonForOrThrow(action, "  Complaints  ")).toBe("Complaints");
  });

  it("keeps an optional reason, trimmed, and null for none", () => {
    expect(reasonForOrThrow("promote", "  ok ")).toBe("ok");
    expect(reasonForOrThrow("promote", "   ")).toBeNull();
    expect(reasonForOrThrow("withdraw", undefined)).toBeNull();
  });
});

describe("every sequence of deployment moves keeps the deployment and the version statuses consistent", () => {
  type TWorld = { deployment: TDeploymentSnapshot; statuses: Record<string, TVersionStatus> };
  const versionIds = ["v1", "v2", "v3"];
  const key = (world: TWorld) => JSON.stringify([{ ...world.deployment, revision: 0 }, world.statuses]);

  function checkInvariants(world: TWorld) {
    const { deployment, statuses } = world;
    const withStatus = (...wanted: TVersionStatus[]) => versionIds.filter((id) => wanted.includes(statuses[id]));
    expect(deployment.mode === "off").toBe(deployment.challengerVersionId === null);
    expect(
      deployment.mode === "canary" ? deployment.canaryPercent >= 1 && deployment.canaryPercent <= 50 : deployment.canaryPercent === 0,
    ).toBe(true);
    if (deployment.challengerVersionId !== null) expect(deployment.championVersionId).not.toBeNull();
    expect(withStatus("champion")).toEqual(deployment.championVersionId ? [deployment.championVersionId] : []);
    expect(withStatus("shadow", "canary")).toEqual(deployment.challengerVersionId ? [deployment.challengerVersionId] : []);
    if (deployment.challengerVersionId) expect(statuses[deployment.challengerVersionId]).toBe(deployment.mode);
    if (deployment.previousChampionVersionId) {
      expect(statuses[deployment.previousChampionVersionId]).toBe("retired");
      expect(deployment.previousChampionVersionId).not.toBe(deployment.championVersionId);
    }
  }

  it("explores every reachable state of three approved versions", () => {
    const start: TWorld = { deployment: EMPTY_DEPLOYMENT, statuses: { v1: "approved", v2: "approved", v3: "approved" } };
    const seen = new Map<string, TWorld>([[key(start), start]]);
    const queue = [start];
    let successfulMoves = 0;
    while (queue.length > 0) {
      const world = queue.shift()!;
      checkInvariants(world);
      const moves: TDeploymentActionInput[] = [{ action: "kill_switch_on" }, { action: "kill_switch_off" }];
      for (const id of versionIds) {
        const version = { id, status: world.statuses[id] };
        for (const action of ["start_shadow", "promote", "rollback", "withdraw", "retire"] as const) moves.push({ action, version });
        moves.push({ action: "start_canary", version, canaryPercent: 10 }, { action: "set_canary_percent", version, canaryPercent: 20 });
      }
      for (const move of moves) {
        let change;
        try {
          change = applyDeploymentAction(world.deployment, move);
        } catch (error) {
          expect(error).toBeInstanceOf(DomainError);
          continue;
        }
        successfulMoves += 1;
        expect(change.deployment.revision).toBe(world.deployment.revision + (change.changed ? 1 : 0));
        const statuses = { ...world.statuses };
        for (const statusChange of change.statusChanges) {
          // Each change starts from the status the version really has.
          expect(statusChange.from).toBe(statuses[statusChange.versionId]);
          statuses[statusChange.versionId] = statusChange.to;
        }
        if ("version" in move) {
          // The deployment agrees with the state machine about the version acted on.
          const plan = planTransition({
            action: move.action,
            version: { status: move.version.status },
            actorRoles: ["committee"],
            context: { canaryPercent: move.canaryPercent },
          });
          expect(statuses[move.version.id]).toBe(plan.to);
        }
        const next = { deployment: change.deployment, statuses };
        if (!seen.has(key(next))) {
          seen.set(key(next), next);
          queue.push(next);
        }
      }
    }
    // Enough states to have reached every mode, champion changes, rollbacks and retirements.
    expect(seen.size).toBeGreaterThan(100);
    expect(successfulMoves).toBeGreaterThan(seen.size);
    const worlds = [...seen.values()];
    expect(worlds.some((world) => world.deployment.mode === "canary" && world.deployment.previousChampionVersionId !== null)).toBe(true);
    expect(worlds.some((world) => Object.values(world.statuses).every((status) => status === "retired"))).toBe(true);
  });
});

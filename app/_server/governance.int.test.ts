import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES, type TRole } from "@/lib/roles";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase, resetDemoDeployment } from "@/scripts/testing/database";
import {
  castApprovalVote,
  performDeploymentAction,
  requestApproval,
  requestValidation,
  setKillSwitch,
  updateFallbackRules,
  type TDeploymentAction,
  type TGovernanceUser,
} from "./governance";

const { db, close } = openTestDatabase(20);
const users: Record<string, TGovernanceUser> = {};

async function state() {
  const [deployment] = await db.$client`select d.* from deployments d join models m on m.id = d.model_id where m.slug = 'credit-default'`;
  const versions =
    await db.$client`select v.id, v.version, v.status from model_versions v join models m on m.id = v.model_id where m.slug = 'credit-default' order by v.version`;
  return {
    deployment,
    versions: Object.fromEntries(versions.map((row) => [row.version, row])) as Record<string, { id: string; status: string }>,
  };
}
const auditCount = async () => (await db.$client`select count(*)::int as count from audit_records`)[0].count as number;
const user = (email: string, roles: TRole[]): TGovernanceUser => ({
  id: users[email]?.id ?? "00000000-0000-0000-0000-000000000000",
  email,
  roles,
});

beforeAll(async () => {
  await seedDemo(db);
  await resetDemoDeployment(db);
  for (const row of await db.$client`select id, email, roles from users`)
    users[row.email] = { id: row.id, email: row.email, roles: row.roles };
});
afterAll(close);

describe("approval", () => {
  it("needs the quorum of two committee members, refuses four-eyes, then approves", async () => {
    const { versions } = await state();
    const v110 = versions["1.1.0"].id;
    await db.$client`update model_versions set status = 'validated' where id = ${v110}`;
    await requestApproval(db, { user: users["scientist@oversight.test"], versionId: v110 });
    expect((await state()).versions["1.1.0"].status).toBe("awaiting_approval");

    // The scientist who registered it also sits on the committee here: four-eyes still refuses.
    const registrantOnCommittee = { ...users["scientist@oversight.test"], roles: ["scientist", "committee"] as TRole[] };
    await expect(
      castApprovalVote(db, { user: registrantOnCommittee, versionId: v110, decision: "approve", comment: "Looks good to me" }),
    ).rejects.toMatchObject({ code: "four_eyes", status: 403 });
    await expect(
      castApprovalVote(db, { user: users["committee@oversight.test"], versionId: v110, decision: "approve", comment: " " }),
    ).rejects.toMatchObject({ code: "comment_required" });

    expect(
      await castApprovalVote(db, {
        user: users["committee@oversight.test"],
        versionId: v110,
        decision: "approve",
        comment: "Gates pass; AUC above the champion.",
      }),
    ).toEqual({ outcome: "pending" });
    await expect(
      castApprovalVote(db, { user: users["committee@oversight.test"], versionId: v110, decision: "approve", comment: "again" }),
    ).rejects.toMatchObject({ code: "already_voted" });
    expect(
      await castApprovalVote(db, {
        user: users["committee2@oversight.test"],
        versionId: v110,
        decision: "approve",
        comment: "Fairness gates pass for sex and age.",
      }),
    ).toEqual({ outcome: "approved" });
    expect((await state()).versions["1.1.0"].status).toBe("approved");
  });

  it("shadow → canary 10 % → promote → rollback returns the previous champion, each audited", async () => {
    const committee = users["committee@oversight.test"];
    const act = async (action: TDeploymentAction, version: string, extra: { canaryPercent?: number; reason?: string } = {}) => {
      const { deployment, versions } = await state();
      return performDeploymentAction(db, {
        user: committee,
        modelSlug: "credit-default",
        versionId: versions[version].id,
        action,
        expectedRevision: deployment.revision,
        ...extra,
      });
    };
    await act("start_shadow", "1.1.0");
    expect((await state()).deployment).toMatchObject({ mode: "shadow", canary_percent: 0 });
    await act("start_canary", "1.1.0", { canaryPercent: 10 });
    expect((await state()).deployment).toMatchObject({ mode: "canary", canary_percent: 10 });
    await act("promote", "1.1.0");
    let current = await state();
    expect([current.versions["1.0.0"].status, current.versions["1.1.0"].status]).toEqual(["retired", "champion"]);
    expect(current.deployment.champion_version_id).toBe(current.versions["1.1.0"].id);
    await expect(act("rollback", "1.1.0")).rejects.toMatchObject({ code: "reason_required", status: 422 });
    await act("rollback", "1.1.0", { reason: "Complaints from the underwriting team" });
    current = await state();
    expect([current.versions["1.0.0"].status, current.versions["1.1.0"].status]).toEqual(["champion", "retired"]);
    expect(current.deployment.champion_version_id).toBe(current.versions["1.0.0"].id);
    const actions = await db.$client`select action from audit_records where action like 'deployment.%' order by sequence`;
    expect(actions.map((row) => row.action).slice(-4)).toEqual([
      "deployment.start_shadow",
      "deployment.start_canary",
      "deployment.promote",
      "deployment.rollback",
    ]);
  });
});

describe("kill switch and fallback rules", () => {
  it("each move the deployment one revision on, with its audit record, and refuse a switch already in place", async () => {
    const committee = users["committee@oversight.test"];
    const { deployment } = await state();
    await expect(
      setKillSwitch(db, { user: committee, modelSlug: "credit-default", on: true, expectedRevision: deployment.revision }),
    ).rejects.toMatchObject({ code: "reason_required", status: 422 });
    expect(
      await setKillSwitch(db, {
        user: committee,
        modelSlug: "credit-default",
        on: true,
        expectedRevision: deployment.revision,
        reason: "Incident 42: bad scores",
      }),
    ).toEqual({ revision: deployment.revision + 1 });
    await expect(
      setKillSwitch(db, {
        user: committee,
        modelSlug: "credit-default",
        on: true,
        expectedRevision: deployment.revision + 1,
        reason: "once more",
      }),
    ).rejects.toMatchObject({ code: "kill_switch_already_on", status: 409 });
    await expect(
      setKillSwitch(db, {
        user: committee,
        modelSlug: "credit-default",
        on: false,
        expectedRevision: deployment.revision,
        reason: "stale page",
      }),
    ).rejects.toMatchObject({ code: "state_changed", status: 409 });
    await setKillSwitch(db, {
      user: committee,
      modelSlug: "credit-default",
      on: false,
      expectedRevision: deployment.revision + 1,
      reason: "Incident 42 fixed",
    });
    expect((await state()).deployment).toMatchObject({ kill_switch: false, revision: deployment.revision + 2 });

    const rules = {
      description: "Refer everyone",
      rules: [{ feature: "debt_to_income", operator: "gte", value: 0.5, probability: 0.8 }],
      defaultProbability: 0.2,
    };
    await expect(
      updateFallbackRules(db, { user: users["admin@oversight.test"], modelSlug: "credit-default", rules }),
    ).rejects.toMatchObject({ code: "forbidden", status: 403 });
    await expect(
      updateFallbackRules(db, {
        user: committee,
        modelSlug: "credit-default",
        rules: { ...rules, rules: [{ ...rules.rules[0], feature: "shoe_size" }] },
      }),
    ).rejects.toMatchObject({ code: "unknown_feature" });
    expect(await updateFallbackRules(db, { user: committee, modelSlug: "credit-default", rules })).toEqual({
      revision: deployment.revision + 3,
    });
    const actions =
      await db.$client`select action, input from audit_records where action like 'deployment.%' order by sequence desc limit 3`;
    expect(actions.map((row) => row.action)).toEqual([
      "deployment.fallback_rules_changed",
      "deployment.kill_switch_off",
      "deployment.kill_switch_on",
    ]);
    expect(actions[2].input).toEqual({ reason: "Incident 42: bad scores", revision: deployment.revision + 1 });
  });
});

describe("concurrency", () => {
  it("fifty concurrent promote / rollback actions leave one champion and one audit record per success", async () => {
    const { versions } = await state();
    await db.$client`update model_versions set status = 'approved' where id = ${versions["1.1.0"].id}`;
    const committee = users["committee2@oversight.test"];
    const before = await auditCount();
    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, index) => {
        // Each actor reads what the page would show, then acts on it.
        const { deployment, versions: now } = await state();
        const championIs110 = deployment.champion_version_id === now["1.1.0"].id;
        try {
          await performDeploymentAction(db, {
            user: committee,
            modelSlug: "credit-default",
            expectedRevision: deployment.revision,
            ...(championIs110
              ? { action: "rollback" as const, versionId: now["1.1.0"].id, reason: `concurrent rollback ${index}` }
              : { action: "promote" as const, versionId: now["1.1.0"].id }),
          });
          return "ok";
        } catch (error) {
          return (error as { code?: string }).code ?? "error";
        }
      }),
    );
    const successes = results.filter((result) => result === "ok").length;
    expect(successes).toBeGreaterThanOrEqual(1);
    // Every failure is an honest refusal: the state changed, or the move no longer applies.
    expect(new Set(results.filter((result) => result !== "ok"))).toEqual(
      new Set(
        results
          .filter((result) => result !== "ok")
          .filter((code) => ["state_changed", "invalid_transition", "no_previous_champion"].includes(code)),
      ),
    );
    const champions =
      await db.$client`select v.id from model_versions v join models m on m.id = v.model_id where m.slug = 'credit-default' and v.status = 'champion'`;
    expect(champions).toHaveLength(1);
    const { deployment } = await state();
    expect(deployment.champion_version_id).toBe(champions[0].id);
    expect((await auditCount()) - before).toBe(successes);
  });
});

describe("every governance action refuses every role that may not use it, and changes nothing", () => {
  const ALLOWED: Record<string, TRole[]> = {
    start_shadow: ["committee"],
    start_canary: ["committee"],
    set_canary_percent: ["committee"],
    promote: ["committee"],
    rollback: ["committee"],
    withdraw: ["committee"],
    retire: ["committee", "admin"],
    kill_switch: ["committee"],
    fallback_rules: ["committee"],
    request_approval: ["scientist", "admin"],
    vote: ["committee"],
    request_validation: ["scientist", "committee", "admin"],
  };
  const cases = Object.entries(ALLOWED).flatMap(([action, allowed]) =>
    ROLES.filter((role) => !allowed.includes(role)).map((role) => [action, role] as const),
  );

  it.each(cases)("%s as %s → 403", async (action, role) => {
    const before = await state();
    const audit = await auditCount();
    const actor = user(`${role}@oversight.test`, [role]);
    const version = before.versions["1.1.0"].id;
    const call = async () => {
      switch (action) {
        case "kill_switch":
          return setKillSwitch(db, {
            user: actor,
            modelSlug: "credit-default",
            on: true,
            expectedRevision: before.deployment.revision,
            reason: "testing roles",
          });
        case "fallback_rules":
          return updateFallbackRules(db, { user: actor, modelSlug: "credit-default", rules: { rules: [] } });
        case "request_approval":
          return requestApproval(db, { user: actor, versionId: version });
        case "vote":
          return castApprovalVote(db, { user: actor, versionId: version, decision: "approve", comment: "testing roles" });
        case "request_validation":
          return requestValidation(db, { user: actor, versionId: version });
        default:
          return performDeploymentAction(db, {
            user: actor,
            modelSlug: "credit-default",
            versionId: version,
            action: action as TDeploymentAction,
            expectedRevision: before.deployment.revision,
            canaryPercent: 10,
            reason: "testing roles",
          });
      }
    };
    // Put the version where the action would otherwise be allowed, so only the role is wrong.
    const statusFor: Record<string, string> = {
      request_approval: "validated",
      vote: "awaiting_approval",
      request_validation: "validation_failed",
      set_canary_percent: "canary",
      withdraw: "shadow",
      rollback: "champion",
    };
    await db.$client`update model_versions set status = ${statusFor[action] ?? "approved"} where id = ${version}`;
    const seeded = await state();
    await expect(call()).rejects.toMatchObject({ status: 403 });
    expect(await state()).toEqual(seeded);
    expect(await auditCount()).toBe(audit);
  });
});

import { describe, expect, it } from "vitest";
import { DomainError } from "../errors";
import { EMPTY_DEPLOYMENT, type TDeploymentSnapshot, type TVersionAction, type TVersionStatus } from "./lifecycle";
import { assertStageRuleOrThrow, nextSteps, stageRuleRefusal } from "./next-steps";
import { DEFAULT_POLICIES, parsePolicy, REQUIRED_STAGES, type TRequiredStages } from "./policy";

// v1 is the champion; v2 the version acted on. "Challenger" puts v2 in the challenger slot in that mode.
const championOnly: TDeploymentSnapshot = { ...EMPTY_DEPLOYMENT, championVersionId: "v1", revision: 3 };
const withChallenger = (mode: "shadow" | "canary"): TDeploymentSnapshot => ({
  ...championOnly,
  challengerVersionId: "v2",
  mode,
  canaryPercent: mode === "canary" ? 10 : 0,
});
const deploymentFor = (status: TVersionStatus) => (status === "shadow" || status === "canary" ? withChallenger(status) : championOnly);

const committeeSteps = (status: TVersionStatus, requiredStages: TRequiredStages, deployment = deploymentFor(status)) =>
  nextSteps({ status, actorRoles: ["committee"], versionId: "v2", deployment, requiredStages });

// The expected buttons, written out by hand from the rule "a forward move may not jump over a required stage".
const EXPECTED: Record<TRequiredStages, Record<"approved" | "shadow" | "canary", TVersionAction[]>> = {
  none: {
    approved: ["start_shadow", "start_canary", "promote", "retire"],
    shadow: ["start_canary", "promote", "withdraw", "retire"],
    canary: ["start_shadow", "set_canary_percent", "promote", "withdraw", "retire"],
  },
  shadow: {
    approved: ["start_shadow", "retire"],
    shadow: ["start_canary", "promote", "withdraw", "retire"],
    canary: ["start_shadow", "set_canary_percent", "promote", "withdraw", "retire"],
  },
  canary: {
    approved: ["start_shadow", "start_canary", "retire"],
    shadow: ["start_canary", "withdraw", "retire"],
    canary: ["start_shadow", "set_canary_percent", "promote", "withdraw", "retire"],
  },
  shadow_and_canary: {
    approved: ["start_shadow", "retire"],
    shadow: ["start_canary", "withdraw", "retire"],
    canary: ["start_shadow", "set_canary_percent", "promote", "withdraw", "retire"],
  },
};

describe("nextSteps", () => {
  for (const requiredStages of REQUIRED_STAGES) {
    for (const status of ["approved", "shadow", "canary"] as const) {
      it(`${requiredStages}: a committee member sees ${EXPECTED[requiredStages][status].join(", ")} on a ${status} version`, () => {
        expect(committeeSteps(status, requiredStages)).toEqual(EXPECTED[requiredStages][status]);
      });
    }
  }

  it("a first version (no champion) may be promoted whatever the tier: there is nothing to shadow or compare with", () => {
    expect(committeeSteps("approved", "shadow_and_canary", EMPTY_DEPLOYMENT)).toEqual(["promote", "retire"]);
  });

  it("while another version is the challenger, an approved version can only be retired", () => {
    const busy = { ...championOnly, challengerVersionId: "v9", mode: "shadow" as const };
    expect(committeeSteps("approved", "none", busy)).toEqual(["retire"]);
  });

  it("roles still decide: an admin may only retire an idle approved version, a scientist nothing, the system only withdraw", () => {
    expect(
      nextSteps({ status: "approved", actorRoles: ["admin"], versionId: "v2", deployment: championOnly, requiredStages: "none" }),
    ).toEqual(["retire"]);
    expect(
      nextSteps({ status: "approved", actorRoles: ["scientist"], versionId: "v2", deployment: championOnly, requiredStages: "none" }),
    ).toEqual([]);
    expect(
      nextSteps({
        status: "canary",
        actorRoles: ["system"],
        versionId: "v2",
        deployment: withChallenger("canary"),
        requiredStages: "shadow_and_canary",
      }),
    ).toEqual(["withdraw"]);
  });

  it("the champion's rollback is offered only when there is a previous champion to return to", () => {
    const champion = (previous: string | null) =>
      nextSteps({
        status: "champion",
        actorRoles: ["committee"],
        versionId: "v1",
        deployment: { ...championOnly, previousChampionVersionId: previous },
        requiredStages: "shadow_and_canary",
      });
    expect(champion(null)).toEqual(["retire"]);
    expect(champion("v0")).toEqual(["rollback", "retire"]);
  });
});

describe("stageRuleRefusal and assertStageRuleOrThrow", () => {
  it("names the stages skipped, in order", () => {
    expect(stageRuleRefusal({ action: "promote", status: "approved", requiredStages: "shadow_and_canary", hasChampion: true })).toBe(
      "This model's risk tier requires a shadow run and then a canary before promotion.",
    );
    expect(stageRuleRefusal({ action: "start_canary", status: "approved", requiredStages: "shadow", hasChampion: true })).toBe(
      "This model's risk tier requires a shadow run before a canary.",
    );
    expect(stageRuleRefusal({ action: "promote", status: "shadow", requiredStages: "canary", hasChampion: true })).toBe(
      "This model's risk tier requires a canary before promotion.",
    );
  });

  it("never refuses backing off, withdrawing or retiring, nor anything on a model without a champion", () => {
    for (const action of ["start_shadow", "withdraw", "retire", "set_canary_percent"] as const) {
      expect(stageRuleRefusal({ action, status: "canary", requiredStages: "shadow_and_canary", hasChampion: true })).toBeNull();
    }
    expect(stageRuleRefusal({ action: "promote", status: "approved", requiredStages: "shadow_and_canary", hasChampion: false })).toBeNull();
  });

  it("throws a 409 stage_required DomainError the UI can show as is", () => {
    let thrown: unknown;
    try {
      assertStageRuleOrThrow({ action: "promote", status: "approved", requiredStages: "canary", hasChampion: true });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({ code: "stage_required", status: 409 });
    expect(() =>
      assertStageRuleOrThrow({ action: "promote", status: "canary", requiredStages: "canary", hasChampion: true }),
    ).not.toThrow();
  });
});

describe("requiredStages in the tier policy", () => {
  it("defaults: low and medium promote directly, high goes through shadow and canary", () => {
    expect([DEFAULT_POLICIES.low.requiredStages, DEFAULT_POLICIES.medium.requiredStages, DEFAULT_POLICIES.high.requiredStages]).toEqual([
      "none",
      "none",
      "shadow_and_canary",
    ]);
  });

  it("a policy stored before the field existed takes its tier's default; an unknown value is refused naming the field", () => {
    expect(parsePolicy({ riskTier: "high", stored: { minRocAuc: 0.8 } }).requiredStages).toBe("shadow_and_canary");
    expect(() => parsePolicy({ riskTier: "low", stored: { requiredStages: "skip_everything" } })).toThrow(/requiredStages/);
  });
});

import { describe, expect, it } from "vitest";
import { DomainError } from "../errors";
import { ZModelSlug } from "./model-input";
import { assertVersionIsNewer, semverParts, ZRegisterVersionInput, ZSemver, ZTrainingData } from "./version-input";

describe("ZSemver", () => {
  it.each(["1.0.0", "0.1.0", "10.20.30"])("accepts %s", (version) => expect(ZSemver.safeParse(version).success).toBe(true));
  it.each(["1.0", "v1.0.0", "1.0.0-rc.1", "1.0.0+build", "01.0.0", "one"])("refuses %s", (version) =>
    expect(ZSemver.safeParse(version).success).toBe(false),
  );
});

describe("assertVersionIsNewer", () => {
  const existing = ["1.0.0", "1.2.0", "1.10.0"];
  it("accepts a greater version (numeric, not string, order)", () => {
    expect(() => assertVersionIsNewer({ candidate: "1.10.1", existing })).not.toThrow();
    expect(() => assertVersionIsNewer({ candidate: "2.0.0", existing })).not.toThrow();
    expect(() => assertVersionIsNewer({ candidate: "0.0.1", existing: [] })).not.toThrow();
  });
  it.each([
    ["1.2.0", "version_exists", 409, "Version 1.2.0 is already registered for this model."],
    ["1.9.0", "version_not_newer", 422, "Version 1.9.0 must be greater than the latest version, 1.10.0."],
  ])("refuses %s", (candidate, code, status, message) => {
    try {
      assertVersionIsNewer({ candidate, existing });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code, status, message });
    }
  });
  it("splits the parts", () => expect(semverParts("1.10.3")).toEqual({ versionMajor: 1, versionMinor: 10, versionPatch: 3 }));
});

describe("ZModelSlug", () => {
  it.each(["credit-default", "fraud2", "a-b-c"])("accepts %s", (slug) => expect(ZModelSlug.safeParse(slug).success).toBe(true));
  it.each(["Credit", "ab", "credit--default", "-credit", "credit-", "2fraud", "credit_default"])("refuses %s", (slug) =>
    expect(ZModelSlug.safeParse(slug).success).toBe(false),
  );
});

describe("ZRegisterVersionInput", () => {
  const valid = {
    version: "1.2.0",
    inputSchema: { features: [{ name: "income", type: "numeric" }] },
    outputSchema: { probabilityOutput: "probability", positiveLabel: "default", negativeLabel: "repay", threshold: 0.3 },
    trainingData: {
      datasetName: "loans",
      sha256: "a".repeat(64),
      rowCount: 10,
      timeRangeStart: "2025-01-01",
      timeRangeEnd: "2025-06-30",
      source: "warehouse",
    },
  };
  it("fills defaults for card, metrics and hyperparameters", () => {
    const parsed = ZRegisterVersionInput.parse(valid);
    expect(parsed.card.intendedUse).toBe("");
    expect(parsed.offlineMetrics).toEqual({});
  });
  it.each([
    [{ ...valid, version: "1.2" }, "version"],
    [{ ...valid, outputSchema: { ...valid.outputSchema, threshold: 2 } }, "outputSchema.threshold"],
    [{ ...valid, trainingData: { ...valid.trainingData, sha256: "xyz" } }, "trainingData.sha256"],
    [{ ...valid, trainingData: { ...valid.trainingData, timeRangeEnd: "2024-01-01" } }, "trainingData.timeRangeEnd"],
    [{ ...valid, offlineMetrics: { rocAuc: 1.5 } }, "offlineMetrics.rocAuc"],
    [{ ...valid, inputSchema: { features: [{ name: "x", type: "numeric", min: 2, max: 1 }] } }, "inputSchema.features.0.min"],
  ])("names the bad field %#", (input, path) => {
    const result = ZRegisterVersionInput.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join("."))).toContain(path);
  });
  it("checks the training window order", () => {
    expect(ZTrainingData.safeParse({ ...valid.trainingData }).success).toBe(true);
  });
  it("leaves out training-data fields that do not apply, and the whole block with no card file", () => {
    const { trainingData: _left, ...withoutTraining } = valid;
    expect(ZRegisterVersionInput.parse(withoutTraining).trainingData).toEqual({});
    // A static public data set: no time range, no hash at hand.
    expect(ZTrainingData.parse({ datasetName: "Wisconsin diagnostic breast cancer", source: "UCI" })).toEqual({
      datasetName: "Wisconsin diagnostic breast cancer",
      source: "UCI",
    });
    expect(ZTrainingData.safeParse({ timeRangeStart: "2025-01-01" }).success).toBe(true);
  });
  it.each([
    [{ classLabels: ["0", "0"] }, "outputSchema.classLabels"],
    [{ classLabels: ["0", "1", "2"] }, "outputSchema.classLabels"],
  ])("refuses class labels %j", (change, path) => {
    const result = ZRegisterVersionInput.safeParse({ ...valid, outputSchema: { ...valid.outputSchema, ...change } });
    expect(result.error!.issues.map((issue) => issue.path.join("."))).toContain(path);
  });
});

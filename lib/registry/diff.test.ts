import { describe, expect, it } from "vitest";
import { diffVersions } from "./diff";

describe("diffVersions", () => {
  const base = {
    inputSchema: {
      features: [
        { name: "income", type: "numeric", max: 100 },
        { name: "age", type: "numeric" },
      ],
    },
    outputSchema: { threshold: 0.5 },
    hyperparameters: { C: 1, penalty: "l2" },
    offlineMetrics: { rocAuc: 0.77 },
  };

  it("is empty for identical versions", () => {
    expect(diffVersions(base, structuredClone(base))).toEqual([]);
  });

  it("lists added, removed and changed leaves by path, features matched by name", () => {
    const next = {
      inputSchema: {
        features: [
          { name: "debt", type: "numeric" },
          { name: "income", type: "numeric", max: 200 },
        ],
      },
      outputSchema: { threshold: 0.3 },
      hyperparameters: { C: 0.5 },
      offlineMetrics: { rocAuc: 0.78, ece: 0.01 },
    };
    expect(diffVersions(base, next)).toEqual([
      { path: "inputSchema.features.age", kind: "removed", before: { name: "age", type: "numeric" }, after: undefined },
      { path: "inputSchema.features.debt", kind: "added", before: undefined, after: { name: "debt", type: "numeric" } },
      { path: "inputSchema.features.income.max", kind: "changed", before: 100, after: 200 },
      { path: "outputSchema.threshold", kind: "changed", before: 0.5, after: 0.3 },
      { path: "hyperparameters.C", kind: "changed", before: 1, after: 0.5 },
      { path: "hyperparameters.penalty", kind: "removed", before: "l2", after: undefined },
      { path: "offlineMetrics.ece", kind: "added", before: undefined, after: 0.01 },
      { path: "offlineMetrics.rocAuc", kind: "changed", before: 0.77, after: 0.78 },
    ]);
  });
});

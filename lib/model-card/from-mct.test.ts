import demo from "@/scripts/demo/credit-default.schema.json";
import demoManifest from "@/scripts/demo/models/manifest.json";
import { describe, expect, it } from "vitest";
import { ZCardText, ZInputSchema, ZOutputSchema, ZRegisterVersionInput } from "../registry";
import { assembleModelCard, type TCardSource } from "./card";
import { isModelCardToolkitJson, registrationFieldsFromModelCardToolkit, withModelCardToolkitCard } from "./from-mct";

const manifest = demoManifest.versions[1];
const source: TCardSource = {
  model: {
    slug: "credit-default",
    displayName: "Credit default risk",
    description: "Probability of default.",
    ownerName: "Sam Scientist",
    ownerEmail: "sam@example.test",
    riskTier: "medium",
    useCase: "Underwriting",
    businessKpi: "Default rate",
  },
  version: {
    version: "1.1.0",
    status: "validated",
    createdAt: new Date("2026-11-24T10:00:00Z"),
    artifactSha256: "a".repeat(64),
    inputSchema: ZInputSchema.parse(demo.inputSchema),
    outputSchema: ZOutputSchema.parse(demo.outputSchema),
    trainingData: manifest.trainingData,
    hyperparameters: manifest.hyperparameters,
    offlineMetrics: manifest.offlineMetrics,
    card: ZCardText.parse(manifest.card),
    referenceRows: 2000,
  },
};

/*
 * A card written by the Model Card Toolkit itself (v0.0.2 schema field names, as in its
 * "Scikit-Learn Model Card" example), with sections Oversight's exporter never writes: a metric
 * per slice, a dataset known by its link, a mitigation of its own, an owner without an email.
 */
const toolkitCard = {
  model_details: {
    name: "Breast cancer Wisconsin (diagnostic)",
    owners: [{ name: "Model Cards Team", contact: "model-cards@google.com" }],
    version: { name: "0.1", date: "2020-01-01" },
  },
  model_parameters: {
    data: { train: { name: "wdbc train split", link: "https://archive.ics.uci.edu/dataset/17" } },
  },
  quantitative_analysis: {
    performance_metrics: [
      { type: "accuracy", value: "0.96" },
      { type: "accuracy", value: "0.91", slice: "age > 60" },
      { type: "ROC AUC", value: "0.99" },
      { type: "precision", value: "" },
    ],
  },
  considerations: {
    use_cases: [{ description: "Second reading of aspirates" }, { description: "Teaching" }],
    limitations: [{ description: "One hospital" }],
    tradeoffs: [],
    ethical_considerations: [{ name: "Missed malignancy", mitigation_strategy: "Every negative is read by a pathologist" }],
  },
};

describe("Model Card Toolkit JSON as registration fields", () => {
  it("reads back what Oversight's own export wrote: card text, training data, architecture, metrics (to the 4 decimals exported)", () => {
    const fields = registrationFieldsFromModelCardToolkit(JSON.parse(JSON.stringify(assembleModelCard(source))));
    expect(fields.card).toEqual(manifest.card);
    expect(fields.trainingData).toEqual(manifest.trainingData);
    expect(fields.hyperparameters).toEqual({ algorithm: manifest.hyperparameters.algorithm });
    expect(fields.offlineMetrics).toEqual(manifest.offlineMetrics); // every demo metric has at most 4 decimals
  });

  it("maps a toolkit card from elsewhere: unsliced metrics by their Oversight key, the link as source, its own mitigation kept", () => {
    expect(registrationFieldsFromModelCardToolkit(toolkitCard)).toEqual({
      card: {
        intendedUse: "Second reading of aspirates\nTeaching",
        outOfScopeUses: "",
        limitations: "One hospital",
        ethicalConsiderations: "Missed malignancy Mitigation: Every negative is read by a pathologist",
        caveatsAndRecommendations: "",
      },
      trainingData: { datasetName: "wdbc train split", source: "https://archive.ics.uci.edu/dataset/17" },
      hyperparameters: {},
      offlineMetrics: { accuracy: 0.96, rocAuc: 0.99 },
    });
  });

  it("leaves out a training-data field the description does not give (a static data set has no time range)", () => {
    const fields = registrationFieldsFromModelCardToolkit({
      model_parameters: { data: { train: { name: "wdbc", description: "569 rows; source: UCI" } } },
    });
    expect(fields.trainingData).toEqual({ datasetName: "wdbc", rowCount: 569, source: "UCI" });
  });

  it.each([
    ["Oversight's flat card text", { intendedUse: "x" }, false],
    ["a toolkit card", { model_details: {} }, true],
    ["a toolkit card with considerations only", { considerations: {} }, true],
    ["an array", [], false],
    ["null", null, false],
  ])("tells %s apart", (_, value, expected) => {
    expect(isModelCardToolkitJson(value)).toBe(expected);
  });

  it("turns registration metadata carrying a toolkit card into metadata the registry accepts; fields given beside it win", () => {
    const metadata = {
      version: "2.0.0",
      inputSchema: demo.inputSchema,
      outputSchema: demo.outputSchema,
      offlineMetrics: { rocAuc: 0.5 },
      card: toolkitCard,
    };
    const parsed = ZRegisterVersionInput.parse(withModelCardToolkitCard(metadata));
    expect(parsed.card.intendedUse).toBe("Second reading of aspirates\nTeaching");
    expect(parsed.trainingData).toEqual({ datasetName: "wdbc train split", source: "https://archive.ics.uci.edu/dataset/17" });
    expect(parsed.offlineMetrics).toEqual({ rocAuc: 0.5 });
    const flat = { ...metadata, card: { intendedUse: "x" } };
    expect(withModelCardToolkitCard(flat)).toBe(flat);
  });
});

import demo from "@/scripts/demo/credit-default.schema.json";
import demoManifest from "@/scripts/demo/models/manifest.json";
import { describe, expect, it } from "vitest";
import { ZInputSchema, ZOutputSchema, ZCardText } from "../registry";
import { assembleModelCard, computeCardCompleteness, renderModelCardMarkdown, ZModelCard, type TCardSource } from "./card";

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

describe("model card", () => {
  it("round-trips through JSON and the zod schema", () => {
    const card = assembleModelCard(source);
    expect(ZModelCard.parse(JSON.parse(JSON.stringify(card)))).toEqual(card);
  });

  it("fills the Model Card Toolkit fields from the registry", () => {
    const card = assembleModelCard(source);
    expect(card.model_details.version).toEqual({ name: "1.1.0", date: "2026-11-24" });
    expect(card.model_parameters.data.train.sensitive?.sensitive_data).toEqual(["sex", "age_band"]);
    expect(card.model_parameters.input_format).toMatch(/^float32 tensor \[batch, 9\]: annual_income_usd, /);
    expect(card.quantitative_analysis.performance_metrics.find((metric) => metric.type === "ROC AUC")?.value).toBe(
      manifest.offlineMetrics.rocAuc.toFixed(4),
    );
  });

  it("is complete for the demo version, and names what is missing otherwise", () => {
    expect(computeCardCompleteness(assembleModelCard(source))).toMatchObject({ score: 1, missing: [] });
    const bare = assembleModelCard({
      ...source,
      version: {
        ...source.version,
        offlineMetrics: {},
        referenceRows: null,
        card: ZCardText.parse({}),
        inputSchema: ZInputSchema.parse({ features: [{ name: "x", type: "numeric" }] }),
      },
    });
    const completeness = computeCardCompleteness(bare);
    expect(completeness.missing.map((item) => item.section)).toEqual([
      "Intended use",
      "Out-of-scope uses",
      "Metrics",
      "Evaluation data",
      "Quantitative analyses",
      "Ethical considerations",
      "Caveats and recommendations",
    ]);
    // Factors does not apply to data with no sensitive attribute: 2 of the 9 sections a user can provide.
    expect(completeness.notApplicable.map((item) => item.section)).toEqual(["Factors"]);
    expect(completeness.score).toBeCloseTo(2 / 9, 12);
  });

  it("reaches 1 without a sensitive attribute or a training time range, and owner, name and source are what count", () => {
    const complete = { ...source.version, inputSchema: ZInputSchema.parse({ features: [{ name: "mean radius", type: "numeric" }] }) };
    const staticData = { datasetName: "Wisconsin breast cancer", source: "UCI Machine Learning Repository" };
    const card = assembleModelCard({ ...source, version: { ...complete, trainingData: staticData } });
    expect(card.model_parameters.data.train.description).toBe("source: UCI Machine Learning Repository");
    expect(computeCardCompleteness(card)).toMatchObject({ score: 1, missing: [] });
    const noSource = computeCardCompleteness(
      assembleModelCard({ ...source, version: { ...complete, trainingData: { datasetName: "x" } } }),
    );
    expect(noSource.missing.map((item) => item.section)).toEqual(["Training data"]);
    const noOwner = computeCardCompleteness(
      assembleModelCard({ ...source, model: { ...source.model, ownerName: null }, version: { ...complete, trainingData: staticData } }),
    );
    expect(noOwner.missing.map((item) => item.section)).toEqual(["Model details"]);
  });

  it("renders every section in Markdown", () => {
    const card = assembleModelCard(source);
    const markdown = renderModelCardMarkdown(card, computeCardCompleteness(card));
    for (const heading of [
      "## Model details",
      "## Intended use",
      "### Out-of-scope uses",
      "## Factors",
      "## Metrics",
      "## Evaluation data",
      "## Training data",
      "## Quantitative analyses",
      "## Ethical considerations",
      "## Caveats and recommendations",
    ]) {
      expect(markdown).toContain(`\n${heading}\n`);
    }
    expect(markdown).toContain("Completeness: 100 %");
    expect(markdown).toContain("| ROC AUC |");
  });

  it("carries the global importance in the card JSON and as a table, largest first, in Markdown", () => {
    const globalImportance = {
      method: "exact",
      rows: 58,
      backgroundRows: 50,
      features: [
        { feature: "annual_income_usd", meanAbsShapley: 0.0313 },
        { feature: "debt_to_income", meanAbsShapley: 0.0418 },
      ],
    };
    const card = assembleModelCard({ ...source, version: { ...source.version, globalImportance } });
    expect(ZModelCard.parse(JSON.parse(JSON.stringify(card))).oversight.global_importance).toEqual({
      scale: "probability",
      method: "exact",
      rows: 58,
      background_rows: 50,
      features: [
        { feature: "annual_income_usd", mean_abs_shapley: 0.0313 },
        { feature: "debt_to_income", mean_abs_shapley: 0.0418 },
      ],
    });
    const markdown = renderModelCardMarkdown(card, computeCardCompleteness(card));
    expect(markdown).toContain("| debt_to_income | 0.0418 |\n| annual_income_usd | 0.0313 |");
    expect(assembleModelCard(source).oversight.global_importance).toBeUndefined();
  });
});

import { z } from "zod";
import { modelInputFeatures, type TInputSchema, type TOutputSchema } from "../registry/input-schema";
import type { TCardText } from "../registry/version-input";
import type { TRiskTier } from "../governance/policy";

/**
 * A model card in the Model Card Toolkit's JSON shape (schema v0.0.2, snake_case field names).
 * Only the fields Oversight fills are declared; MCT readers ignore missing optional fields.
 */
const ZOwner = z.object({ name: z.string(), contact: z.string() });
const ZDataset = z.object({
  name: z.string(),
  link: z.string().optional(),
  sensitive: z.object({ sensitive_data: z.array(z.string()) }).optional(),
  description: z.string().optional(),
});
const ZPerformanceMetric = z.object({ type: z.string(), value: z.string(), slice: z.string().optional() });
const ZRisk = z.object({ name: z.string(), mitigation_strategy: z.string() });

const ZGlobalImportance = z.object({
  scale: z.literal("probability"),
  method: z.string(),
  rows: z.number(),
  background_rows: z.number(),
  features: z.array(z.object({ feature: z.string(), mean_abs_shapley: z.number() })),
});

export const ZModelCard = z.object({
  model_details: z.object({
    name: z.string(),
    overview: z.string(),
    owners: z.array(ZOwner),
    version: z.object({ name: z.string(), date: z.string() }),
    references: z.array(z.object({ reference: z.string() })).default([]),
  }),
  model_parameters: z.object({
    model_architecture: z.string(),
    data: z.object({ train: ZDataset, eval: ZDataset.optional() }),
    input_format: z.string(),
    output_format: z.string(),
  }),
  quantitative_analysis: z.object({ performance_metrics: z.array(ZPerformanceMetric) }),
  considerations: z.object({
    users: z.array(z.object({ description: z.string() })),
    use_cases: z.array(z.object({ description: z.string() })),
    limitations: z.array(z.object({ description: z.string() })),
    tradeoffs: z.array(z.object({ description: z.string() })),
    ethical_considerations: z.array(ZRisk),
  }),
  // Oversight's own section (MCT allows extension): governance status and live figures.
  oversight: z.object({
    model_slug: z.string(),
    risk_tier: z.string(),
    status: z.string(),
    artifact_sha256: z.string(),
    // Set when registration rewrote the uploaded file (a ZipMap removed): its sha256 and what was changed, and why.
    artifact_original_sha256: z.string().nullable().optional(),
    artifact_changes: z.array(z.string()).optional(),
    out_of_scope_uses: z.string(),
    factors: z.array(z.object({ feature: z.string(), values: z.array(z.string()) })),
    business_kpi: z.string(),
    live: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).default({}),
    // Mean |Shapley value| per input over the reference sample, computed once by the validation job.
    global_importance: ZGlobalImportance.optional(),
  }),
});
export type TModelCard = z.infer<typeof ZModelCard>;

export type TCardSource = {
  model: {
    slug: string;
    displayName: string;
    description: string;
    ownerName: string | null;
    ownerEmail: string | null;
    riskTier: TRiskTier;
    useCase: string;
    businessKpi: string;
  };
  version: {
    version: string;
    status: string;
    createdAt: Date;
    artifactSha256: string;
    /** The uploaded file's sha256 when registration rewrote it, with what it changed and why. */
    artifactOriginalSha256?: string | null;
    artifactChanges?: string[];
    inputSchema: TInputSchema;
    outputSchema: TOutputSchema;
    trainingData: Record<string, unknown>;
    hyperparameters: Record<string, unknown>;
    offlineMetrics: Record<string, unknown>;
    card: TCardText;
    referenceRows: number | null;
    /** Global importance over the reference sample (lib/explain/global-importance.ts), when the validation job computed it. */
    globalImportance?: {
      method: string;
      rows: number;
      backgroundRows: number;
      features: Array<{ feature: string; meanAbsShapley: number }>;
    } | null;
  };
  live?: Record<string, string | number | null>;
};

/** Display names of the offline metrics on the card (Model Card Toolkit `performance_metrics[].type`). */
export const METRIC_NAMES: Record<string, string> = {
  rocAuc: "ROC AUC",
  averagePrecision: "Average precision",
  brier: "Brier score",
  logLoss: "Log loss",
  accuracy: "Accuracy",
  precision: "Precision",
  recall: "Recall",
  f1: "F1",
  ece: "Expected calibration error",
};

/** The provenance sentence of the training data, from the fields given: a field that does not apply is left out, not shown as "?". */
function describeTrainingData(training: {
  rowCount?: number;
  timeRangeStart?: string;
  timeRangeEnd?: string;
  source?: string;
  sha256?: string;
}): string {
  const range =
    training.timeRangeStart && training.timeRangeEnd
      ? `from ${training.timeRangeStart} to ${training.timeRangeEnd}`
      : training.timeRangeStart
        ? `from ${training.timeRangeStart}`
        : training.timeRangeEnd
          ? `to ${training.timeRangeEnd}`
          : "";
  const size = [training.rowCount !== undefined ? `${training.rowCount} rows` : "", range].filter(Boolean).join(" ");
  return [size, training.source ? `source: ${training.source}` : "", training.sha256 ? `sha256 ${training.sha256}` : ""]
    .filter(Boolean)
    .join("; ");
}

const lines = (text: string) => (text.trim() ? [{ description: text.trim() }] : []);

/** Assembles the Model Card Toolkit card of a version from its registry record. */
export function assembleModelCard(source: TCardSource): TModelCard {
  const { model, version } = source;
  const inputs = modelInputFeatures(version.inputSchema);
  const sensitive = version.inputSchema.features.filter((feature) => feature.sensitive);
  const training = version.trainingData as {
    datasetName?: string;
    rowCount?: number;
    timeRangeStart?: string;
    timeRangeEnd?: string;
    source?: string;
    sha256?: string;
  };
  return {
    model_details: {
      name: model.displayName,
      overview: model.description,
      owners: model.ownerName ? [{ name: model.ownerName, contact: model.ownerEmail ?? "" }] : [],
      version: { name: version.version, date: version.createdAt.toISOString().slice(0, 10) },
      references: [],
    },
    model_parameters: {
      model_architecture: String(version.hyperparameters.algorithm ?? "not stated"),
      data: {
        train: {
          name: training.datasetName ?? "",
          description: describeTrainingData(training),
          sensitive: { sensitive_data: sensitive.map((feature) => feature.name) },
        },
        eval: version.referenceRows
          ? { name: "Reference (validation) sample", description: `${version.referenceRows} rows registered with the version` }
          : undefined,
      },
      input_format: `float32 tensor [batch, ${inputs.length}]: ${inputs.map((feature) => feature.name).join(", ")}`,
      output_format: `${version.outputSchema.probabilityOutput}: probability of '${version.outputSchema.positiveLabel}'; '${version.outputSchema.positiveLabel}' when ≥ ${version.outputSchema.threshold}, else '${version.outputSchema.negativeLabel}'`,
    },
    quantitative_analysis: {
      performance_metrics: Object.entries(version.offlineMetrics)
        .filter(([, value]) => typeof value === "number")
        .map(([key, value]) => ({ type: METRIC_NAMES[key] ?? key, value: (value as number).toFixed(4), slice: "reference sample" })),
    },
    considerations: {
      users: lines(model.useCase),
      use_cases: lines(version.card.intendedUse),
      limitations: lines(version.card.limitations),
      tradeoffs: lines(version.card.caveatsAndRecommendations),
      ethical_considerations: version.card.ethicalConsiderations.trim()
        ? [
            {
              name: version.card.ethicalConsiderations.trim(),
              mitigation_strategy: sensitive.length
                ? `Fairness is monitored by ${sensitive.map((feature) => feature.name).join(" and ")}.`
                : "",
            },
          ]
        : [],
    },
    oversight: {
      model_slug: model.slug,
      risk_tier: model.riskTier,
      status: version.status,
      artifact_sha256: version.artifactSha256,
      ...(version.artifactOriginalSha256
        ? { artifact_original_sha256: version.artifactOriginalSha256, artifact_changes: version.artifactChanges ?? [] }
        : {}),
      out_of_scope_uses: version.card.outOfScopeUses.trim(),
      factors: sensitive.map((feature) => ({ feature: feature.name, values: feature.allowedValues ?? [] })),
      business_kpi: model.businessKpi,
      live: source.live ?? {},
      ...(version.globalImportance
        ? {
            global_importance: {
              scale: "probability" as const,
              method: version.globalImportance.method,
              rows: version.globalImportance.rows,
              background_rows: version.globalImportance.backgroundRows,
              features: version.globalImportance.features.map((entry) => ({
                feature: entry.feature,
                mean_abs_shapley: entry.meanAbsShapley,
              })),
            },
          }
        : {}),
    },
  };
}

export type TCompleteness = {
  score: number;
  present: string[];
  missing: Array<{ section: string; why: string }>;
  /** Sections that do not apply to this model, left out of the score: a user cannot provide them. */
  notApplicable: Array<{ section: string; why: string }>;
};

/**
 * Which required sections a card has: the Model Card Toolkit's sections, each required for
 * governance. The score counts only what a user can provide: Factors does not apply to a model
 * whose data has no sensitive attribute (the fairness gate says so and the policy judges it).
 */
export function computeCardCompleteness(card: TModelCard): TCompleteness {
  const hasFactors = card.oversight.factors.length > 0;
  const notApplicable = hasFactors
    ? []
    : [{ section: "Factors", why: "the data has no sensitive attribute, so there is no factor to monitor fairness by" }];
  const checks: Array<[section: string, ok: boolean, why: string]> = [
    ...(hasFactors ? [["Factors", true, "declare the sensitive attributes monitored for fairness"] as [string, boolean, string]] : []),
    [
      "Model details",
      Boolean(card.model_details.overview.trim()) && card.model_details.owners.length > 0,
      "needs an overview and an owner",
    ],
    ["Intended use", card.considerations.use_cases.length > 0, "say what the model is for"],
    ["Out-of-scope uses", Boolean(card.oversight.out_of_scope_uses), "say what it must not be used for"],
    ["Metrics", card.quantitative_analysis.performance_metrics.length > 0, "record offline evaluation metrics"],
    ["Evaluation data", Boolean(card.model_parameters.data.eval), "register a reference (validation) sample"],
    [
      "Training data",
      Boolean(card.model_parameters.data.train.name && card.model_parameters.data.train.description?.includes("source: ")),
      "give the training data's name and source",
    ],
    ["Quantitative analyses", card.quantitative_analysis.performance_metrics.length >= 3, "report at least three metrics"],
    ["Ethical considerations", card.considerations.ethical_considerations.length > 0, "state the ethical considerations"],
    [
      "Caveats and recommendations",
      card.considerations.tradeoffs.length > 0 && card.considerations.limitations.length > 0,
      "state limitations, caveats and recommendations",
    ],
  ];
  const present = checks.filter(([, ok]) => ok).map(([section]) => section);
  const missing = checks.filter(([, ok]) => !ok).map(([section, , why]) => ({ section, why }));
  return { score: present.length / checks.length, present, missing, notApplicable };
}

/** The card as Markdown, in the Model Card Toolkit's section order. */
export function renderModelCardMarkdown(card: TModelCard, completeness: TCompleteness): string {
  const bullet = (items: Array<{ description: string }>) =>
    items.length ? items.map((item) => `- ${item.description}`).join("\n") : "_Not stated._";
  const out = [
    `# Model card: ${card.model_details.name} ${card.model_details.version.name}`,
    "",
    `Completeness: ${Math.round(completeness.score * 100)} %${completeness.missing.length ? ` (missing: ${completeness.missing.map((item) => item.section).join(", ")})` : ""}${completeness.notApplicable.length ? ` (not applicable: ${completeness.notApplicable.map((item) => `${item.section}, ${item.why}`).join("; ")})` : ""}`,
    "",
    "## Model details",
    "",
    card.model_details.overview || "_No overview._",
    "",
    `- Model: \`${card.oversight.model_slug}\`, version ${card.model_details.version.name} (${card.model_details.version.date}), status **${card.oversight.status}**, risk tier ${card.oversight.risk_tier}`,
    `- Owners: ${card.model_details.owners.map((owner) => `${owner.name} <${owner.contact}>`).join(", ") || "_none_"}`,
    `- Architecture: ${card.model_parameters.model_architecture}`,
    `- Artifact sha256: \`${card.oversight.artifact_sha256}\``,
    ...(card.oversight.artifact_original_sha256
      ? [
          `- Uploaded file sha256: \`${card.oversight.artifact_original_sha256}\`, rewritten at registration:`,
          ...(card.oversight.artifact_changes ?? []).map((change) => `  - ${change}`),
        ]
      : []),
    `- Input: ${card.model_parameters.input_format}`,
    `- Output: ${card.model_parameters.output_format}`,
    "",
    "## Intended use",
    "",
    bullet(card.considerations.use_cases),
    "",
    "### Out-of-scope uses",
    "",
    card.oversight.out_of_scope_uses || "_Not stated._",
    "",
    "## Factors",
    "",
    card.oversight.factors.length
      ? card.oversight.factors.map((factor) => `- \`${factor.feature}\`: ${factor.values.join(", ")}`).join("\n")
      : "_No sensitive attributes declared._",
    "",
    "## Metrics",
    "",
    card.quantitative_analysis.performance_metrics.length
      ? [
          "| Metric | Value | Slice |",
          "| --- | ---: | --- |",
          ...card.quantitative_analysis.performance_metrics.map((metric) => `| ${metric.type} | ${metric.value} | ${metric.slice ?? ""} |`),
        ].join("\n")
      : "_No metrics recorded._",
    "",
    "## Evaluation data",
    "",
    card.model_parameters.data.eval
      ? `${card.model_parameters.data.eval.name}: ${card.model_parameters.data.eval.description ?? ""}`
      : "_None registered._",
    "",
    "## Training data",
    "",
    card.model_parameters.data.train.name
      ? `${card.model_parameters.data.train.name}: ${card.model_parameters.data.train.description ?? ""}`
      : "_Not stated._",
    "",
    "## Quantitative analyses",
    "",
    Object.keys(card.oversight.live).length
      ? Object.entries(card.oversight.live)
          .map(([key, value]) => `- ${key}: ${value ?? "—"}`)
          .join("\n")
      : "_No live figures yet._",
    "",
    "### Global importance",
    "",
    ...(card.oversight.global_importance
      ? [
          `Mean |Shapley value| per input on the probability scale, over ${card.oversight.global_importance.rows} reference rows against ${card.oversight.global_importance.background_rows} background rows (${card.oversight.global_importance.method}):`,
          "",
          "| Input | Mean \\|SHAP\\| |",
          "| --- | ---: |",
          ...[...card.oversight.global_importance.features]
            .sort((a, b) => b.mean_abs_shapley - a.mean_abs_shapley)
            .map((entry) => `| ${entry.feature} | ${entry.mean_abs_shapley.toFixed(4)} |`),
        ]
      : ["_Not computed yet: the validation job computes it from the reference sample._"]),
    "",
    "## Ethical considerations",
    "",
    card.considerations.ethical_considerations.length
      ? card.considerations.ethical_considerations
          .map((risk) => `- ${risk.name}${risk.mitigation_strategy ? ` Mitigation: ${risk.mitigation_strategy}` : ""}`)
          .join("\n")
      : "_Not stated._",
    "",
    "## Caveats and recommendations",
    "",
    bullet([...card.considerations.limitations, ...card.considerations.tradeoffs]),
    "",
  ];
  return out.join("\n");
}

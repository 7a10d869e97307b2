import { METRIC_NAMES } from "./card";

/**
 * Reads a Model Card Toolkit JSON card (schema v0.0.2, what `card export --format json` writes) as
 * the fields a version is registered with, so `--card` and the API accept the card a user already
 * has. The inverse of `assembleModelCard` for what a user wrote; computed sections (live figures,
 * governance status, sensitive factors) are not read back.
 */

type TDescriptions = Array<{ description?: unknown }> | undefined;
type TMctCard = {
  model_details?: unknown;
  model_parameters?: {
    model_architecture?: unknown;
    data?: { train?: { name?: unknown; link?: unknown; description?: unknown } };
  };
  quantitative_analysis?: { performance_metrics?: Array<{ type?: unknown; value?: unknown; slice?: unknown }> };
  considerations?: {
    use_cases?: TDescriptions;
    limitations?: TDescriptions;
    tradeoffs?: TDescriptions;
    ethical_considerations?: Array<{ name?: unknown; mitigation_strategy?: unknown }>;
  };
  oversight?: { out_of_scope_uses?: unknown };
};

export type TRegistrationCardFields = {
  card: {
    intendedUse: string;
    outOfScopeUses: string;
    limitations: string;
    ethicalConsiderations: string;
    caveatsAndRecommendations: string;
  };
  trainingData: Record<string, string | number>;
  hyperparameters: Record<string, string>;
  offlineMetrics: Record<string, number>;
};

const METRIC_KEYS = Object.fromEntries(Object.entries(METRIC_NAMES).map(([key, name]) => [name.toLowerCase(), key]));
// The mitigation the exporter writes itself from the sensitive attributes; reading it back would repeat it on every export.
const GENERATED_MITIGATION = /^Fairness is monitored by /;

const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");
const joined = (items: TDescriptions) =>
  (Array.isArray(items) ? items.map((item) => text(item?.description)).filter(Boolean) : []).join("\n");

/** True when a JSON value is a Model Card Toolkit card rather than Oversight's flat card text. */
export function isModelCardToolkitJson(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return ["model_details", "model_parameters", "considerations", "quantitative_analysis"].some((key) => key in value);
}

/** Undoes describeTrainingData ("569 rows from A to B; source: S; sha256 H"); a free-text description gives what it says. */
function readTrainingData(train: { name?: unknown; link?: unknown; description?: unknown } | undefined): Record<string, string | number> {
  const description = text(train?.description);
  // Size and time range come before the source, whose own words may mention rows or dates.
  const head = description.split("source: ")[0];
  const rows = /(?:^|\s)(\d+) rows\b/.exec(head);
  const from = /\bfrom (\d{4}-\d{2}-\d{2})\b/.exec(head);
  const to = /\bto (\d{4}-\d{2}-\d{2})\b/.exec(head);
  const source = /\bsource: ([^;]+)/.exec(description);
  const sha256 = /\bsha256 ([a-f0-9]{64})\b/.exec(description);
  const fields: Record<string, string | number | undefined> = {
    datasetName: text(train?.name) || undefined,
    rowCount: rows ? Number(rows[1]) : undefined,
    timeRangeStart: from?.[1],
    timeRangeEnd: to?.[1],
    // An MCT card from elsewhere names its source by a link.
    source: source?.[1].trim() || text(train?.link) || undefined,
    sha256: sha256?.[1],
  };
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string | number] => entry[1] !== undefined));
}

/** The offline metrics of the card: one per type, the unsliced or reference-sample figure, Oversight's key where it has one. */
function readMetrics(metrics: TMctCard["quantitative_analysis"]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const metric of metrics?.performance_metrics ?? []) {
    const type = text(metric?.type);
    const slice = text(metric?.slice);
    const value = Number(metric?.value);
    if (!type || (slice && slice !== "reference sample") || !Number.isFinite(value) || text(String(metric?.value)) === "") continue;
    const key = METRIC_KEYS[type.toLowerCase()] ?? type;
    if (!(key in out)) out[key] = value;
  }
  return out;
}

/** The registration fields of a Model Card Toolkit card; every section may be missing. */
export function registrationFieldsFromModelCardToolkit(value: unknown): TRegistrationCardFields {
  const card = (value ?? {}) as TMctCard;
  const considerations = card.considerations ?? {};
  const ethical = (Array.isArray(considerations.ethical_considerations) ? considerations.ethical_considerations : [])
    .map((risk) => {
      const mitigation = text(risk?.mitigation_strategy);
      const name = text(risk?.name);
      return mitigation && !GENERATED_MITIGATION.test(mitigation) ? `${name} Mitigation: ${mitigation}` : name;
    })
    .filter(Boolean);
  const architecture = text(card.model_parameters?.model_architecture);
  return {
    card: {
      intendedUse: joined(considerations.use_cases),
      outOfScopeUses: text(card.oversight?.out_of_scope_uses),
      limitations: joined(considerations.limitations),
      ethicalConsiderations: ethical.join("\n"),
      caveatsAndRecommendations: joined(considerations.tradeoffs),
    },
    trainingData: readTrainingData(card.model_parameters?.data?.train),
    hyperparameters: architecture && architecture !== "not stated" ? { algorithm: architecture } : {},
    offlineMetrics: readMetrics(card.quantitative_analysis),
  };
}

/**
 * Registration metadata whose `card` may be a Model Card Toolkit card: the card is read into the
 * card text, and its training data, hyperparameters and metrics fill those fields unless the
 * metadata gives them itself. Anything else is returned as it came, for the schema to judge.
 */
export function withModelCardToolkitCard(metadata: unknown): unknown {
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) return metadata;
  const record = metadata as Record<string, unknown>;
  if (!isModelCardToolkitJson(record.card)) return metadata;
  const fields = registrationFieldsFromModelCardToolkit(record.card);
  return {
    ...record,
    card: fields.card,
    trainingData: record.trainingData ?? fields.trainingData,
    hyperparameters: record.hyperparameters ?? fields.hyperparameters,
    offlineMetrics: record.offlineMetrics ?? fields.offlineMetrics,
  };
}

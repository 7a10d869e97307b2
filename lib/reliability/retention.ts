import { z } from "zod";

/** Raw predictions are kept this long unless a model says otherwise; summaries and audit records are kept forever. */
export const DEFAULT_RETENTION_MONTHS = 13;
const MAX_RETENTION_MONTHS = 120;

export const ZRetentionMonths = z.number().int().min(1).max(MAX_RETENTION_MONTHS);

/** A partition of `predictions`: a month [from, to), or the DEFAULT partition (no range), with the models that have rows in it. */
export type TPredictionPartition = {
  name: string;
  range: { from: Date; to: Date } | null;
  /** Each model with rows in the partition and its oldest row's time. */
  models: { modelId: string; oldest: Date }[];
};

/**
 * What retention does to one partition.
 * - `drop`: every model with rows in the month is past its retention: archive the month, detach and drop it.
 * - `purge`: only some models are past theirs: archive and delete those models' rows older than `before`.
 */
export type TRetentionStep =
  | { kind: "drop"; partition: string; range: { from: Date; to: Date } }
  | { kind: "purge"; partition: string; range: { from: Date; to: Date } | null; cuts: { modelId: string; before: Date }[] };

/**
 * The first instant a model with `months` of retention must still keep at `now`: calendar months back
 * in UTC, the day clamped to the month's length (31 March − 1 month → 28 or 29 February).
 */
export function retentionCutoff(now: Date, months: number): Date {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() - months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(
      year,
      month,
      Math.min(now.getUTCDate(), lastDay),
      now.getUTCHours(),
      now.getUTCMinutes(),
      now.getUTCSeconds(),
      now.getUTCMilliseconds(),
    ),
  );
}

/**
 * Which partitions are past retention at `now`, and what to do with each.
 *
 * A month partition holds every model's rows, so it is dropped whole only when every model with rows
 * in it is past its own retention (dropping is instant and leaves no dead tuples). A model with a
 * shorter retention than its neighbours is still honoured on time: its own rows are purged from the
 * month (archived, then deleted), because a retention period is also a promise to delete, not only
 * permission to. The DEFAULT partition is never dropped (inserts outside the prepared months land
 * there); its rows are purged per model. A month that is empty and past the longest policy of any
 * model is dropped too. The current and future months are never touched.
 */
export function planRetention(input: {
  now: Date;
  partitions: TPredictionPartition[];
  /** Months per model id; a model not listed keeps DEFAULT_RETENTION_MONTHS. */
  policies: ReadonlyMap<string, number>;
}): TRetentionStep[] {
  const cutoffOf = (modelId: string) => retentionCutoff(input.now, input.policies.get(modelId) ?? DEFAULT_RETENTION_MONTHS);
  const longest = Math.max(DEFAULT_RETENTION_MONTHS, ...input.policies.values());
  const longestCutoff = retentionCutoff(input.now, longest);
  const steps: TRetentionStep[] = [];
  for (const partition of [...input.partitions].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!partition.range) {
      const cuts = partition.models
        .map((model) => ({ modelId: model.modelId, before: cutoffOf(model.modelId), oldest: model.oldest }))
        .filter((cut) => cut.oldest < cut.before)
        .map(({ modelId, before }) => ({ modelId, before }));
      if (cuts.length) steps.push({ kind: "purge", partition: partition.name, range: null, cuts });
      continue;
    }
    const { range } = partition;
    if (partition.models.length === 0) {
      if (range.to <= longestCutoff) steps.push({ kind: "drop", partition: partition.name, range });
      continue;
    }
    const lapsed = partition.models.filter((model) => range.to <= cutoffOf(model.modelId));
    if (lapsed.length === partition.models.length) steps.push({ kind: "drop", partition: partition.name, range });
    else if (lapsed.length)
      steps.push({
        kind: "purge",
        partition: partition.name,
        range,
        cuts: lapsed.map((model) => ({ modelId: model.modelId, before: range.to })),
      });
  }
  return steps;
}

/** The archive's folder name for a step: the partition, and for a purge the time it ran (a month can be purged more than once). */
export function archiveName(step: TRetentionStep, now: Date): string {
  if (step.kind === "drop") return step.partition;
  return `${step.partition}-purge-${now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")}`;
}

/** The sentence the audit record carries. */
export function describeRetentionStep(step: TRetentionStep, archived: { rows: number; sha256: string }): string {
  const what = `${archived.rows} rows, sha256 ${archived.sha256}`;
  if (step.kind === "drop") return `partition ${step.partition} archived (${what}) and dropped`;
  return `rows of ${step.cuts.length} model(s) in partition ${step.partition} archived (${what}) and deleted`;
}

/** `manifest.json` beside an archive's files (db/README.md, "Retention"). */
export type TArchiveManifest = {
  format: "csv+gzip";
  kind: TRetentionStep["kind"];
  partition: string;
  /** The month's range; null for the DEFAULT partition. */
  range: { from: string; to: string } | null;
  /** For a purge, the models whose rows before `before` were removed. */
  cuts: { modelId: string; before: string }[] | null;
  archivedAt: string;
  /** One gzip-compressed CSV per table: PostgreSQL's CSV with a header row; sha256 of the .csv.gz file as written. */
  files: { table: "predictions" | "outcomes" | "review_items"; file: string; rows: number; sha256: string; bytes: number }[];
};

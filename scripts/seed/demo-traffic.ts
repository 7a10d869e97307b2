import { appendAuditRecord } from "@/db/audit";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { TransactionSql } from "postgres";
import type { TDatabase } from "@/db/connection";
import { getArtifactContent } from "@/db/queries/serving";
import { decisionValueUsd, DEMO_DATASETS, type TDemoDataset } from "@/lib/demo/portfolio";
import { hourlyVolumes } from "@/lib/demo/seasonality";
import { createRandom } from "@/lib/random";
import { scoreRows } from "@/workers/onnx/score-rows";

const HOUR_MS = 3_600_000;

/** How much history each demo model gets, and how much of it comes back labelled. */
const DEMO_HISTORY: Record<
  TDemoDataset["slug"],
  { hours: number; perHour: number; seed: number; outcomeShare: number; latencyMs: number }
> = {
  // Two days at 2,000 applications an hour on average: the figures scripts/seed/demo-value.int.test.ts and demo-kpis.ts rely on.
  "credit-default": { hours: 48, perHour: 2000, seed: 20261130, outcomeShare: 0.6, latencyMs: 1.8 },
  // A week of card payments, chargebacks for almost all after 36 hours.
  "card-fraud": { hours: 168, perHour: 200, seed: 20261201, outcomeShare: 0.95, latencyMs: 1.2 },
  // A week of renewals; whether the subscriber stayed is known at the next billing cycle (3 days in the demo).
  "subscription-churn": { hours: 168, perHour: 40, seed: 20261202, outcomeShare: 1, latencyMs: 1.5 },
};

type TPrediction = {
  id: string;
  created_at: string;
  model_id: string;
  model_version_id: string;
  role: "champion";
  request_id: string;
  features: string;
  attributes: string;
  probability: number;
  label: string;
  confidence: number;
  latency_ms: number;
  sent_to_review: boolean;
};

/** A COPY text-format field: null as \\N, and the characters the format escapes. */
const copyField = (value: unknown) =>
  value === null || value === undefined
    ? "\\N"
    : String(value).replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");

/** Bulk-loads rows with COPY FROM STDIN: several times faster than multi-row INSERTs for the 100,000-odd rows of history. */
async function copyRows(sql: TransactionSql, table: "predictions" | "outcomes", rows: Array<Record<string, unknown>>) {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const stream = await sql.unsafe(`copy ${table} (${columns.join(", ")}) from stdin`).writable();
  const lines = rows.map((row) => columns.map((column) => copyField(row[column])).join("\t")).join("\n");
  await pipeline(Readable.from([`${lines}\n`]), stream);
}

/** One model's past traffic: predictions by the real champion model, outcomes after the domain's delay, and decided reviews. */
async function seedModelHistory(
  db: TDatabase,
  input: { dataset: TDemoDataset; now: Date; hours: number; perHour: number; seed: number; outcomeShare: number; latencyMs: number },
) {
  const { dataset, now } = input;
  const [model] = await db.$client<{ id: string; champion: string; sha: string; due_hours: number | null }[]>`
    select m.id, d.champion_version_id as champion, v.artifact_sha256 as sha, (m.review_settings->>'dueHours')::int as due_hours
    from models m join deployments d on d.model_id = m.id join model_versions v on v.id = d.champion_version_id
    where m.slug = ${dataset.slug}`;
  if (!model) return 0;
  const bytes = await getArtifactContent(db, model.sha);
  if (!bytes) return 0;
  const startMs = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - input.hours * HOUR_MS;
  const volumes = hourlyVolumes({
    startMs,
    hours: input.hours,
    meanPerHour: input.perHour,
    weekendFactor: dataset.weekendFactor,
    seed: input.seed,
  });
  const count = volumes.reduce((sum, volume) => sum + volume, 0);
  const cases = dataset.generate({ count, seed: input.seed });
  const rows = cases.map((item) => item.tensor);
  const scores = await scoreRows({ model: new Uint8Array(bytes), rows, width: rows[0].length, probabilityOutput: "probability" });
  const random = createRandom(input.seed + 1);
  const busiest = Math.max(...volumes);
  const predictions: TPrediction[] = [];
  volumes.forEach((volume, hour) => {
    // Uniform arrival times within the hour, in order; latency grows with the hour's load, with a long right tail.
    const offsets = Array.from({ length: volume }, () => random.uniform() * HOUR_MS).sort((a, b) => a - b);
    for (const offset of offsets) {
      const index = predictions.length;
      const score = scores[index];
      predictions.push({
        id: crypto.randomUUID(),
        created_at: new Date(startMs + hour * HOUR_MS + offset).toISOString(),
        model_id: model.id,
        model_version_id: model.champion,
        role: "champion",
        request_id: `demo-history-${dataset.slug}-${index}`,
        features: `{${rows[index].join(",")}}`,
        attributes: JSON.stringify(cases[index].attributes),
        probability: score,
        label: score >= dataset.threshold ? dataset.positiveLabel : dataset.negativeLabel,
        confidence: Math.max(score, 1 - score),
        latency_ms: Number((input.latencyMs * (1 + 0.8 * (volume / busiest)) * Math.exp(random.normal(0, 0.35))).toFixed(2)),
        sent_to_review: false,
      });
    }
  });

  // Review: the least confident predictions and a 0.2 % random sample, as the worker sends them, decided by the demo
  // analyst (who gets the true label right 95 % of the time).
  const analyst = await db.$client<{ id: string; email: string }[]>`select id, email from users where email = 'analyst@oversight.test'`;
  // Decided once older than 12 hours and than the domain's outcome delay: a window's realised performance then rests on
  // outcomes of every kind, never on a handful of hard cases alone; younger items wait in the queue while not yet overdue.
  const dueHours = model.due_hours ?? 24;
  const decidedAfterHours = Math.max(12, dataset.outcomeDelayHours);
  const candidates = predictions
    .map((prediction, index) => ({ prediction, index }))
    .filter(({ prediction }) => prediction.confidence < 0.6 || random.uniform() < 0.002)
    .filter(({ prediction }) => {
      const ageHours = (now.getTime() - Date.parse(prediction.created_at)) / HOUR_MS;
      return (ageHours > 1 && ageHours < dueHours) || ageHours > decidedAfterHours;
    });
  // At most 150 per model, spread evenly over the history.
  const step = Math.max(1, candidates.length / 150);
  const reviewed = Array.from({ length: Math.min(150, candidates.length) }, (_, index) => candidates[Math.floor(index * step)]);
  const reviewItems = reviewed.map(({ prediction, index }) => {
    prediction.sent_to_review = true;
    const createdMs = Date.parse(prediction.created_at);
    const decided = analyst.length > 0 && createdMs < now.getTime() - decidedAfterHours * HOUR_MS;
    const modelPositive = prediction.label === dataset.positiveLabel;
    const finalPositive = random.uniform() < 0.95 ? cases[index].positive : !cases[index].positive;
    return {
      id: crypto.randomUUID(),
      prediction_id: prediction.id,
      prediction_created_at: prediction.created_at,
      model_id: model.id,
      model_version_id: model.champion,
      reason: prediction.confidence < 0.6 ? "low_confidence" : "random_sample",
      status: decided ? "decided" : "open",
      due_at: new Date(createdMs + dueHours * HOUR_MS).toISOString(),
      decision: decided ? (finalPositive === modelPositive ? "accept" : "override") : null,
      final_label: decided ? (finalPositive ? dataset.positiveLabel : dataset.negativeLabel) : null,
      reason_code: decided && finalPositive !== modelPositive ? (random.uniform() < 0.6 ? "model_wrong" : "missing_information") : null,
      decided_by: decided ? analyst[0].id : null,
      decided_at: decided ? new Date(createdMs + (1 + random.uniform() * 9) * HOUR_MS).toISOString() : null,
      created_at: prediction.created_at,
      labelValue: finalPositive ? 1 : 0,
    };
  });
  const decidedItems = reviewItems.filter((item) => item.status === "decided");
  const reviewOutcomes = new Set(decidedItems.map((item) => item.prediction_id));

  const labelledBefore = now.getTime() - dataset.outcomeDelayHours * HOUR_MS;
  const outcomes = predictions
    .map((prediction, index) => ({ prediction, item: cases[index] }))
    .filter(
      ({ prediction }, index) =>
        !reviewOutcomes.has(prediction.id) &&
        Date.parse(prediction.created_at) < labelledBefore &&
        (index % 100) / 100 < input.outcomeShare,
    )
    .map(({ prediction, item }) => ({
      prediction_id: prediction.id,
      prediction_created_at: prediction.created_at,
      model_id: model.id,
      label: item.positive ? dataset.positiveLabel : dataset.negativeLabel,
      label_value: item.positive ? 1 : 0,
      source: "api",
      value: decisionValueUsd(dataset.valueMatrix, {
        predictedPositive: prediction.label === dataset.positiveLabel,
        positive: item.positive,
        scaleUsd: item.scaleUsd,
      }),
      observed_at: new Date(Math.min(now.getTime(), Date.parse(prediction.created_at) + dataset.outcomeDelayHours * HOUR_MS)).toISOString(),
    }));
  // A decision is the prediction's outcome, as decideReviewItem records it.
  const decidedOutcomes = decidedItems.map((item) => ({
    prediction_id: item.prediction_id,
    prediction_created_at: item.prediction_created_at,
    model_id: model.id,
    label: item.final_label!,
    label_value: item.labelValue,
    source: "review",
    recorded_by: item.decided_by,
    observed_at: item.decided_at!,
  }));

  await db.$client.begin(async (sql) => {
    await copyRows(sql, "predictions", predictions);
    await copyRows(sql, "outcomes", outcomes);
    if (reviewItems.length > 0) await sql`insert into review_items ${sql(reviewItems.map(({ labelValue: _label, ...item }) => item))}`;
    if (decidedOutcomes.length > 0) await sql`insert into outcomes ${sql(decidedOutcomes)}`;
  });
  // The audit records the review action writes, one per decision, in one transaction of their own.
  if (decidedItems.length > 0) {
    await db.transaction(async (tx) => {
      const labelOf = new Map(reviewed.map(({ prediction }) => [prediction.id, prediction.label]));
      for (const item of decidedItems) {
        await appendAuditRecord(tx, {
          actorId: analyst[0].id,
          actorLabel: analyst[0].email,
          action: "review.decided",
          subjectType: "review_item",
          subjectId: item.id,
          modelId: model.id,
          input: {
            decision: item.decision,
            modelLabel: labelOf.get(item.prediction_id),
            finalLabel: item.final_label,
            reasonCode: item.reason_code,
            predictionId: item.prediction_id,
          },
        });
      }
    });
  }
  return count;
}

/**
 * Past traffic for the demo portfolio, so the monitoring pages have history on the first start:
 * each model's champion scores seeded cases from its generator (lib/demo/), hour by hour with
 * daily and weekly seasonality (lib/demo/seasonality.ts) and latency that rises with load; true
 * outcomes arrive after each domain's delay (with the business value of the decision); the least
 * confident predictions went to review, and the older ones are decided. The worker's monitoring job summarises them into windows when it starts. Seeded data, the same every time.
 */
export async function seedDemoTraffic(
  db: TDatabase,
  { now = new Date(), only }: { now?: Date; only?: TDemoDataset["slug"][] } = {},
): Promise<number> {
  // Side by side: one model's generation and scoring (node) overlaps another's bulk load (PostgreSQL).
  const counts = await Promise.all(
    Object.values(DEMO_DATASETS)
      .filter((dataset) => !only || only.includes(dataset.slug))
      .map((dataset) => seedModelHistory(db, { dataset, now, ...DEMO_HISTORY[dataset.slug] })),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

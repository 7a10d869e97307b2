import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase } from "@/scripts/testing/database";
import { createRecorder, type TPredictionRecord } from "./recorder";

const { db, close } = openTestDatabase();
let modelId: string;
let versionId: string;

beforeAll(async () => {
  await seedDemo(db);
  [{ id: modelId }] = await db.$client`select id from models where slug = 'credit-default'`;
  [{ id: versionId }] = await db.$client`select id from model_versions where model_id = ${modelId} and version = '1.0.0'`;
});
afterAll(close);

const prediction = (requestId: string, extra: Partial<TPredictionRecord> = {}): TPredictionRecord => ({
  id: randomUUID(),
  createdAt: new Date(),
  modelId,
  modelVersionId: versionId,
  role: "champion",
  requestId,
  apiKeyId: null,
  features: [65_445, 3, 14_000, 36, 0.29, 12.5, 1, 5, 1],
  attributes: { sex: "female" },
  probability: 0.125,
  label: "repay",
  confidence: 0.875,
  latencyMs: 1.5,
  sentToReview: false,
  ...extra,
});

it("one flush holding generated ids, a retried id and review items stores each as the one-at-a-time path would", async () => {
  const recorder = createRecorder({ db });
  const retried = `recorder-retry-${Date.now()}`;
  const first = prediction(retried, { sentToReview: true });
  await recorder.record({
    predictions: [first],
    reviews: [
      {
        predictionId: first.id,
        predictionCreatedAt: first.createdAt,
        modelId,
        modelVersionId: versionId,
        reason: "low_confidence",
        dueAt: new Date(),
        attributes: { sex: "female" },
      },
    ],
  });

  // Three requests in one turn, so one flush: two with worker-made ids (one raising a review item, one with a
  // shadow row), and a retry of `retried` with a shadow row of its own.
  const generatedA = prediction(randomUUID(), { sentToReview: true });
  const generatedB = prediction(randomUUID());
  const generatedBShadow = prediction(generatedB.requestId, { role: "shadow", modelVersionId: null });
  const retry = prediction(retried, { probability: 0.9, label: "default" });
  const retryShadow = prediction(retried, { role: "shadow", modelVersionId: null });
  const flushesBefore = recorder.stats().flushes;
  const [answersA, answersB, answersRetry] = await Promise.all([
    recorder.record({
      predictions: [generatedA],
      reviews: [
        {
          predictionId: generatedA.id,
          predictionCreatedAt: generatedA.createdAt,
          modelId,
          modelVersionId: versionId,
          reason: "random_sample",
          dueAt: new Date(),
          attributes: { sex: "female" },
        },
      ],
      requestIdsGenerated: true,
    }),
    recorder.record({ predictions: [generatedB, generatedBShadow], reviews: [], requestIdsGenerated: true }),
    recorder.record({ predictions: [retry, retryShadow], reviews: [] }),
  ]);
  expect(recorder.stats().flushes - flushesBefore).toBe(1);
  expect(answersA).toEqual([]);
  expect(answersB).toEqual([]);
  // The retry gets the first answer (with its review reason and version), and stores nothing.
  expect(answersRetry).toEqual([
    {
      requestId: retried,
      predictionId: first.id,
      probability: 0.125,
      label: "repay",
      modelVersion: "1.0.0",
      role: "champion",
      sentToReview: true,
      reviewReason: "low_confidence",
    },
  ]);
  const stored = await db.$client`select id, role, features, attributes, probability, sent_to_review from predictions
    where request_id in ${db.$client([retried, generatedA.requestId, generatedB.requestId])} order by id`;
  expect(stored.map((row) => row.id).sort()).toEqual([first.id, generatedA.id, generatedB.id, generatedBShadow.id].sort());
  const storedA = stored.find((row) => row.id === generatedA.id)!;
  expect(storedA).toMatchObject({ role: "champion", attributes: { sex: "female" }, probability: 0.125, sent_to_review: true });
  // real[] prints float32 values in their shortest exact form, so 0.29 reads back as 0.29.
  expect(storedA.features).toEqual([65_445, 3, 14_000, 36, 0.29, 12.5, 1, 5, 1]);
  const reviews =
    await db.$client`select prediction_id, reason, attributes from review_items where prediction_id in ${db.$client([first.id, generatedA.id])}`;
  // Each item carries its prediction's attributes, for the transparency report's groups.
  expect(reviews.map((row) => [row.prediction_id, row.reason, row.attributes]).sort()).toEqual(
    [
      [first.id, "low_confidence", { sex: "female" }],
      [generatedA.id, "random_sample", { sex: "female" }],
    ].sort(),
  );
});

it("a flush that fails stores nothing of it and rejects every request in it", async () => {
  const recorder = createRecorder({ db });
  const good = prediction(randomUUID(), { sentToReview: true });
  // No such model: the foreign key fails the statement, so the good row and its review item must not stay either.
  const bad = prediction(randomUUID(), { modelId: randomUUID() });
  const settled = await Promise.allSettled([
    recorder.record({
      predictions: [good],
      reviews: [
        {
          predictionId: good.id,
          predictionCreatedAt: good.createdAt,
          modelId,
          modelVersionId: versionId,
          reason: "random_sample",
          dueAt: new Date(),
          attributes: { sex: "female" },
        },
      ],
      requestIdsGenerated: true,
    }),
    recorder.record({ predictions: [bad], reviews: [] }),
  ]);
  expect(settled.map((result) => result.status)).toEqual(["rejected", "rejected"]);
  expect(await db.$client`select id from predictions where id in ${db.$client([good.id, bad.id])}`).toHaveLength(0);
  expect(await db.$client`select id from review_items where prediction_id = ${good.id}`).toHaveLength(0);
});

it("a requestId is a retry only under the model it was answered for", async () => {
  const recorder = createRecorder({ db });
  const [other] = await db.$client`select id from models where slug <> 'credit-default' order by slug limit 1`;
  const requestId = `recorder-two-models-${Date.now()}`;
  const first = prediction(requestId);
  await recorder.record({ predictions: [first], reviews: [] });
  // Same id, other model: a new request, stored and answered afresh.
  const otherModel = prediction(requestId, { modelId: other.id, modelVersionId: null, role: "fallback" });
  expect(await recorder.record({ predictions: [otherModel], reviews: [] })).toEqual([]);
  // Same id, same model: the first answer (no review item: its reason is null), nothing stored.
  const retry = prediction(requestId, { probability: 0.9 });
  expect(await recorder.record({ predictions: [retry], reviews: [] })).toEqual([
    expect.objectContaining({ predictionId: first.id, probability: 0.125, modelVersion: "1.0.0", reviewReason: null }),
  ]);
  const stored = await db.$client`select id from predictions where request_id = ${requestId}`;
  expect(stored.map((row) => row.id).sort()).toEqual([first.id, otherModel.id].sort());
});

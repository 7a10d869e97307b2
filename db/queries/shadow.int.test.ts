import { afterAll, beforeAll, expect, it } from "vitest";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase } from "@/scripts/testing/database";
import { getShadowComparison } from "./governance";

const { db, close } = openTestDatabase();
beforeAll(() => seedDemo(db));
afterAll(close);

it("pairs shadow and champion answers to the same request and reports agreement and score gap per hour", async () => {
  // A model no other test sends traffic to: the comparison counts every shadow pair of the model in the last hours.
  const [model] = await db.$client`select id from models where slug = 'subscription-churn'`;
  const [champion, shadow] =
    await db.$client`select id from model_versions where model_id = ${model.id} and version in ('1.0.0', '1.1.0') order by version`;
  const at = new Date(Date.now() - 60_000).toISOString();
  // Four requests: labels agree on three; |Δ score| = 0.1, 0.2, 0.3, 0.2 → mean 0.2.
  const pairs: Array<[string, number, string, number, string]> = [
    ["s1", 0.1, "repay", 0.2, "repay"],
    ["s2", 0.5, "default", 0.3, "default"],
    ["s3", 0.2, "repay", 0.5, "default"],
    ["s4", 0.9, "default", 0.7, "default"],
  ];
  for (const [requestId, championScore, championLabel, shadowScore, shadowLabel] of pairs) {
    await db.$client`insert into predictions (model_id, model_version_id, role, request_id, features, probability, label, confidence, latency_ms, created_at) values
      (${model.id}, ${champion.id}, 'champion', ${`shadow-test-${requestId}`}, '{1}', ${championScore}, ${championLabel}, 0.8, 1, ${at}),
      (${model.id}, ${shadow.id}, 'shadow', ${`shadow-test-${requestId}`}, '{1}', ${shadowScore}, ${shadowLabel}, 0.8, 1, ${at})`;
  }
  const points = await getShadowComparison(db, { modelId: model.id, shadowVersionId: shadow.id, hours: 2 });
  expect(points).toHaveLength(1);
  expect(points[0].pairs).toBe(4);
  expect(points[0].agreementRate).toBeCloseTo(0.75, 12);
  expect(points[0].meanAbsScoreDifference).toBeCloseTo(0.2, 6);
  await db.$client`delete from predictions where request_id like 'shadow-test-%'`;
});

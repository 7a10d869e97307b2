import type { TDatabase } from "@/db/connection";
import { getArtifactContent } from "@/db/queries/serving";
import { generateCreditApplications, toTensorRow } from "@/lib/demo/credit-data";
import { scoreRows } from "@/workers/onnx/score-rows";

const HOUR_MS = 3_600_000;
// Outcomes of a loan are known later; history older than this has its outcomes.
const OUTCOME_DELAY_MS = 6 * HOUR_MS;

/**
 * Past traffic for the demo, so the monitoring pages have history on the first start: `hours`
 * of calm applications (no drift) scored by the real champion model, stored as the worker
 * stores them, with outcomes for 60 % of those older than six hours. The worker's monitoring
 * job summarises them into windows when it starts. Seeded data, the same every time.
 */
export async function seedDemoTraffic(db: TDatabase, { hours = 48, perHour = 2000, now = new Date() } = {}): Promise<number> {
  const [model] = await db.$client<{ id: string; champion: string; sha: string }[]>`
    select m.id, d.champion_version_id as champion, v.artifact_sha256 as sha
    from models m join deployments d on d.model_id = m.id join model_versions v on v.id = d.champion_version_id
    where m.slug = 'credit-default'`;
  if (!model) return 0;
  const bytes = await getArtifactContent(db, model.sha);
  if (!bytes) return 0;
  const count = hours * perHour;
  const applications = generateCreditApplications({ count, seed: 20261130 });
  const rows = applications.map(toTensorRow);
  const scores = await scoreRows({ model: new Uint8Array(bytes), rows, width: rows[0].length, probabilityOutput: "probability" });
  const start = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - hours * HOUR_MS;
  const records = applications.map((application, index) => ({
    id: crypto.randomUUID(),
    created_at: new Date(start + Math.floor((index * hours * HOUR_MS) / count)).toISOString(),
    model_id: model.id,
    model_version_id: model.champion,
    role: "champion",
    request_id: `demo-history-${index}`,
    features: `{${rows[index].join(",")}}`,
    attributes: JSON.stringify({ sex: application.sex, age_band: application.age_band }),
    probability: scores[index],
    label: scores[index] >= 0.3 ? "default" : "repay",
    confidence: Math.max(scores[index], 1 - scores[index]),
    latency_ms: 1.5 + ((index * 7) % 40) / 10,
  }));
  const outcomes = records
    .map((record, index) => ({ record, defaulted: applications[index].defaulted, index }))
    .filter(({ record, index }) => index % 5 < 3 && Date.parse(record.created_at) < now.getTime() - OUTCOME_DELAY_MS)
    .map(({ record, defaulted }) => ({
      prediction_id: record.id,
      prediction_created_at: record.created_at,
      model_id: model.id,
      label: defaulted ? "default" : "repay",
      label_value: defaulted ? 1 : 0,
      source: "api",
    }));
  await db.$client.begin(async (sql) => {
    for (let offset = 0; offset < records.length; offset += 1000)
      await sql`insert into predictions ${sql(records.slice(offset, offset + 1000))}`;
    for (let offset = 0; offset < outcomes.length; offset += 1000)
      await sql`insert into outcomes ${sql(outcomes.slice(offset, offset + 1000))}`;
  });
  return count;
}

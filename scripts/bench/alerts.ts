/**
 * `npm run bench:alerts`: false alarms per model-week and windows to detection of the default alert
 * rules, at the current defaults and at the previous ones.
 *
 * A fresh database gets the demo models, then BENCH_CALM_DAYS (default 7) days of undrifted demo
 * applications at BENCH_PER_HOUR (default 2,000) predictions an hour, scored by the real champion
 * ONNX model, followed by three episodes of BENCH_EPISODE_HOURS (default 6) hours, each after 12
 * calm hours: a mean shift of loan_amount_usd by 0.5 standard deviations; the under-25 share
 * doubling (0.08 → 0.16); under-25 applicants carrying more debt, so their approval rate falls (the
 * measured fall is printed). The worker's monitoring job summarises every hour (computeWindows),
 * then the real rule job (evaluateAlertRules) runs once per hour, at the end of that hour, and
 * writes alerts through db/writes/alerts.ts. The previous defaults (one window, the point estimate
 * against the threshold, at least 200 predictions, no bounds) are replayed over the same stored
 * results with the previous rule logic, copied here. Hourly rules only (the realized ROC AUC rule
 * judges days, which have no outcomes in this replay).
 */
import { closeDatabase, createDatabase } from "@/db/connection";
import { getArtifactContent } from "@/db/queries/serving";
import { generateCreditApplications, toTensorRow, type TCreditApplication, type TDriftEpisode } from "@/lib/demo/credit-data";
import { recovered, type TAlertRule } from "@/lib/monitoring/alert-rules";
import { breaches } from "@/lib/monitoring/verdict";
import { ensureDefaultRules, evaluateAlertRules } from "@/workers/jobs/alert-rules";
import { computeWindows } from "@/workers/jobs/monitor-windows";
import { scoreRows } from "@/workers/onnx/score-rows";
import { seedDemo } from "../seed/demo-seed";
import { createTestDatabase, openDatabaseServer } from "../lib/database";

const HOUR_MS = 3_600_000;
const CALM_DAYS = Number(process.env.BENCH_CALM_DAYS ?? 7);
const PER_HOUR = Number(process.env.BENCH_PER_HOUR ?? 2000);
const EPISODE_HOURS = Number(process.env.BENCH_EPISODE_HOURS ?? 6);
const GAP_HOURS = 12;

type TEpisode = { name: string; drift?: TDriftEpisode; shiftLoanSd?: number; expects: RegExp };
const EPISODES: TEpisode[] = [
  { name: "loan_amount_usd mean + 0.5 SD", shiftLoanSd: 0.5, expects: /loan_amount_usd|dataset/i },
  { name: "under-25 share doubles (0.08 → 0.16)", drift: { youngApplicantShare: 0.16 }, expects: /age_band|applicant_age/ },
  { name: "under-25 approval rate falls", drift: { youngDebtIncrease: 0.09 }, expects: /age_band/ },
];

const server = await openDatabaseServer({ dataDirName: "bench-pg", port: Number(process.env.BENCH_EMBEDDED_PG_PORT ?? 54349) });
const database = await createTestDatabase(server, "bench_alerts");
const db = createDatabase(database.url, { maxConnections: 4, applicationName: "oversight-bench" });

async function insertHour(
  context: { modelId: string; versionId: string; model: Uint8Array; loanSd: number },
  hour: number,
  seed: number,
  episode?: TEpisode,
) {
  const applications = generateCreditApplications({ count: PER_HOUR, seed, drift: episode?.drift }).map(
    (application): TCreditApplication =>
      episode?.shiftLoanSd
        ? { ...application, loan_amount_usd: application.loan_amount_usd + episode.shiftLoanSd * context.loanSd }
        : application,
  );
  const rows = applications.map(toTensorRow);
  const scores = await scoreRows({ model: context.model, rows, width: rows[0].length, probabilityOutput: "probability" });
  const records = applications.map((application, index) => ({
    id: crypto.randomUUID(),
    created_at: new Date(hour + Math.floor((index * HOUR_MS) / PER_HOUR)).toISOString(),
    model_id: context.modelId,
    model_version_id: context.versionId,
    role: "champion",
    request_id: `bench-${seed}-${index}`,
    features: `{${rows[index].join(",")}}`,
    attributes: JSON.stringify({ sex: application.sex, age_band: application.age_band }),
    probability: scores[index],
    label: scores[index] >= 0.3 ? "default" : "repay",
    confidence: Math.max(scores[index], 1 - scores[index]),
    latency_ms: 2 + (index % 5),
  }));
  await db.$client`insert into predictions ${db.$client(records)}`;
  const young = records.filter((_, index) => applications[index].age_band === "under_25");
  return { young: young.length, youngApproved: young.filter((record) => record.label === "repay").length };
}

/** The previous rule logic (point estimate, one window, ≥ 200 predictions), replayed over the stored hourly results. */
async function replayPreviousDefaults(modelId: string, rules: (TAlertRule & { id: string })[], hours: number[]) {
  const fires: { rule: string; hour: number }[] = [];
  for (const rule of rules.filter((candidate) => candidate.windowGranularity === "hour")) {
    const [kind, statistic] = rule.metric.split(".");
    const previous = {
      ...rule,
      consecutiveWindows: /^(drift\.(wasserstein_normed|jensenshannon)|fairness\.)/.test(rule.metric) ? 1 : rule.consecutiveWindows,
    };
    const rows = await db.$client<{ start: Date; value: number | null; count: number | null }[]>`
      select r.window_start as start, r.value,
        (select v.value from monitor_results v where v.model_version_id = r.model_version_id and v.granularity = 'hour'
          and v.window_start = r.window_start and v.kind = 'volume' and v.statistic = 'predictions') as count
      from monitor_results r where r.model_id = ${modelId} and r.granularity = 'hour' and r.kind = ${kind} and r.statistic = ${statistic}
        and r.feature = ${rule.feature} and r.group_name = ${rule.groupName} order by r.window_start`;
    const values = new Map(
      rows.map((row) => [new Date(row.start).getTime(), row.count !== null && Number(row.count) >= 200 ? row.value : null]),
    );
    let open = false;
    const series: number[] = [];
    for (const hour of hours) {
      const value = values.get(hour);
      if (value === null || value === undefined) continue;
      series.push(value);
      if (open) {
        if (recovered(previous, value)) open = false;
        continue;
      }
      const recent = series.slice(-previous.consecutiveWindows);
      if (recent.length === previous.consecutiveWindows && recent.every((point) => breaches(rule.comparison, point, rule.threshold))) {
        open = true;
        fires.push({ rule: rule.name, hour });
      }
    }
  }
  return fires;
}

function summarise(
  label: string,
  fires: { rule: string; hour: number }[],
  timeline: { calmEnd: number; episodes: { name: string; start: number; expects: RegExp }[] },
) {
  const calmFires = fires.filter((fire) => fire.hour < timeline.calmEnd);
  const weeks = (CALM_DAYS * 24) / 168;
  console.log(`\n${label}`);
  console.log(`  false alarms over ${CALM_DAYS} calm days: ${calmFires.length} → ${(calmFires.length / weeks).toFixed(2)} per model-week`);
  const byRule = new Map<string, number>();
  for (const fire of calmFires) byRule.set(fire.rule, (byRule.get(fire.rule) ?? 0) + 1);
  for (const [rule, count] of [...byRule].sort((a, b) => b[1] - a[1])) console.log(`    ${count} × ${rule}`);
  for (const episode of timeline.episodes) {
    const end = episode.start + EPISODE_HOURS * HOUR_MS;
    // A rule fires at the end of the hour it judges: the first window is window 1.
    const hit = fires
      .filter((fire) => fire.hour >= episode.start && fire.hour < end && episode.expects.test(fire.rule))
      .sort((a, b) => a.hour - b.hour)[0];
    console.log(
      `  ${episode.name}: ${hit ? `detected after ${(hit.hour - episode.start) / HOUR_MS + 1} hourly window(s) by "${hit.rule}"` : `not detected within ${EPISODE_HOURS} windows`}`,
    );
  }
}

try {
  await seedDemo(db);
  const [row] = await db.$client<{ id: string; champion: string; sha: string }[]>`
    select m.id, d.champion_version_id as champion, v.artifact_sha256 as sha
    from models m join deployments d on d.model_id = m.id join model_versions v on v.id = d.champion_version_id where m.slug = 'credit-default'`;
  const model = new Uint8Array((await getArtifactContent(db, row.sha))!);
  const sample = generateCreditApplications({ count: 20_000, seed: 1 }).map((application) => application.loan_amount_usd);
  const mean = sample.reduce((sum, value) => sum + value, 0) / sample.length;
  const loanSd = Math.sqrt(sample.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (sample.length - 1));
  const context = { modelId: row.id, versionId: row.champion, model, loanSd };

  const totalHours = CALM_DAYS * 24 + EPISODES.length * (GAP_HOURS + EPISODE_HOURS);
  const end = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const start = end - totalHours * HOUR_MS;
  const hours = Array.from({ length: totalHours }, (_, index) => start + index * HOUR_MS);
  const calmEnd = start + CALM_DAYS * 24 * HOUR_MS;
  const episodes: { name: string; start: number; expects: RegExp }[] = [];
  let seed = 1000;
  let cursor = calmEnd;
  const young: Record<string, { young: number; youngApproved: number }> = {};
  for (const hour of hours.filter((candidate) => candidate < calmEnd)) await insertHour(context, hour, (seed += 1));
  for (const episode of EPISODES) {
    for (let gap = 0; gap < GAP_HOURS; gap += 1, cursor += HOUR_MS) {
      const counts = await insertHour(context, cursor, (seed += 1));
      young.calm = {
        young: (young.calm?.young ?? 0) + counts.young,
        youngApproved: (young.calm?.youngApproved ?? 0) + counts.youngApproved,
      };
    }
    episodes.push({ name: episode.name, start: cursor, expects: episode.expects });
    for (let hour = 0; hour < EPISODE_HOURS; hour += 1, cursor += HOUR_MS) {
      const counts = await insertHour(context, cursor, (seed += 1), episode);
      young[episode.name] = {
        young: (young[episode.name]?.young ?? 0) + counts.young,
        youngApproved: (young[episode.name]?.youngApproved ?? 0) + counts.youngApproved,
      };
    }
  }
  console.log(`${hours.length} hours × ${PER_HOUR} predictions inserted; summarising…`);
  const touched = await computeWindows(
    db,
    hours.map((hour) => ({ versionId: row.champion, hour: new Date(hour) })),
  );
  const versionContext = touched.get(row.id)!;
  await ensureDefaultRules(db, { modelId: row.id, layout: versionContext.layout, reference: versionContext.reference });
  // The rule job at the end of every hour, as the worker runs it; an alert belongs to the hour whose evaluation fired it.
  const newDefaultFires: { rule: string; hour: number }[] = [];
  const seen = new Set<string>();
  for (const hour of hours) {
    await evaluateAlertRules(db, row.id, { now: new Date(hour + HOUR_MS + 60_000) });
    const alerts = await db.$client<{ id: string; rule: string }[]>`
      select a.id, r.name as rule from alerts a join alert_rules r on r.id = a.rule_id where a.model_id = ${row.id} and r.source = 'monitoring'`;
    for (const alert of alerts.filter((candidate) => !seen.has(candidate.id))) {
      seen.add(alert.id);
      newDefaultFires.push({ rule: alert.rule, hour });
    }
  }
  const rules = (await db.$client`select * from alert_rules where model_id = ${row.id} and source = 'monitoring'`).map((rule) => ({
    id: rule.id as string,
    name: rule.name as string,
    metric: rule.metric as string,
    feature: rule.feature as string,
    groupName: rule.group_name as string,
    comparison: rule.comparison as TAlertRule["comparison"],
    threshold: rule.threshold as number,
    resolveThreshold: rule.resolve_threshold as number | null,
    windowGranularity: rule.window_granularity as "hour" | "day",
    severity: rule.severity as TAlertRule["severity"],
    consecutiveWindows: rule.consecutive_windows as number,
    triggersRetraining: rule.triggers_retraining as boolean,
  }));
  const newFires = newDefaultFires.filter((fire) => rules.find((rule) => rule.name === fire.rule)?.windowGranularity === "hour");
  const oldFires = await replayPreviousDefaults(row.id, rules, hours);

  const timeline = { calmEnd, episodes };
  console.log(
    `\nunder-25 approval rate: calm ${(young.calm.youngApproved / young.calm.young).toFixed(3)}, ${EPISODES.map((episode) => `${episode.name} ${(young[episode.name].youngApproved / young[episode.name].young).toFixed(3)}`).join(", ")}`,
  );
  summarise("previous defaults (one window, point estimate vs threshold, ≥ 200 predictions):", oldFires, timeline);
  summarise(`current defaults (judgeWindow: ≥ 500 predictions, bound past the threshold, 2 windows in a row):`, newFires, timeline);
} finally {
  await closeDatabase(db);
  await database.drop();
  await server.stop();
}

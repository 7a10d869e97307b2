/**
 * `npm run bench:alerts`: false alarms per model-week (and model-month) and windows to detection
 * per episode of the default alert rules, at the current defaults, at the previous ones, and over a
 * grid of settings (minimum predictions 200 / 300 / 500 × 1 / 2 / 3 windows in a row, with bounds;
 * and the point estimate over 2 / 3 windows) from which the defaults are chosen.
 *
 * A fresh database gets the demo models, then BENCH_CALM_DAYS (default 30) days of undrifted demo
 * applications at BENCH_PER_HOUR (default 600) predictions an hour, scored by the real champion
 * ONNX model, followed by three episodes of BENCH_EPISODE_HOURS (default 6) hours, each after 12
 * calm hours: a mean shift of loan_amount_usd by 0.5 standard deviations; the under-25 share
 * doubling (0.08 → 0.16); under-25 applicants carrying more debt, so their approval rate falls by
 * about a fifth (the measured fall is printed). The worker's monitoring job summarises every hour
 * (computeWindows). The real rule job (evaluateAlertRules, writing alerts and incidents through
 * db/writes/alerts.ts) runs at the end of each hour of the last BENCH_LIVE_CALM_DAYS (default 2)
 * calm days and the episodes; every setting, the defaults included, is replayed with judgeWindow
 * over all stored hourly results, and the replay at the defaults is checked against the live job
 * where both ran. Hourly rules only (the realized ROC AUC rule judges days, which have no outcomes here).
 */
import { closeDatabase, createDatabase } from "@/db/connection";
import { getArtifactContent } from "@/db/queries/serving";
import { generateCreditApplications, toTensorRow, type TCreditApplication, type TDriftEpisode } from "@/lib/demo/credit-data";
import { recovered, type TAlertRule } from "@/lib/monitoring/alert-rules";
import { breaches, judgeWindow, MIN_ALERT_WINDOW_ROWS, type TWindowPoint } from "@/lib/monitoring/verdict";
import { ensureDefaultRules, evaluateAlertRules } from "@/workers/jobs/alert-rules";
import { computeWindows } from "@/workers/jobs/monitor-windows";
import { scoreRows } from "@/workers/onnx/score-rows";
import { seedDemo } from "../seed/demo-seed";
import { createTestDatabase, openDatabaseServer } from "../lib/database";

const HOUR_MS = 3_600_000;
const CALM_DAYS = Number(process.env.BENCH_CALM_DAYS ?? 30);
// The rate the demo's four-fifths rule is hardest at (fewest under-25 applicants per hour); `npm start` sends more.
const PER_HOUR = Number(process.env.BENCH_PER_HOUR ?? 600);
const EPISODE_HOURS = Number(process.env.BENCH_EPISODE_HOURS ?? 6);
const GAP_HOURS = 12;
// The live rule job runs over the last calm days and the episodes (about a second an hour on a busy 2-core machine);
// the whole span is judged by the replay, which must agree with the live job where both ran (printed).
const LIVE_CALM_DAYS = Number(process.env.BENCH_LIVE_CALM_DAYS ?? 2);

type TEpisode = { name: string; drift?: TDriftEpisode; shiftLoanSd?: number; expects: RegExp };
const EPISODES: TEpisode[] = [
  { name: "loan_amount_usd mean + 0.5 SD", shiftLoanSd: 0.5, expects: /loan_amount_usd|dataset/i },
  {
    name: "under-25 share doubles (0.08 → 0.16)",
    drift: { youngApplicantShare: 0.16 },
    expects: /Drift on (age_band|applicant_age)|dataset/i,
  },
  // More debt for under-25 applicants: +0.075 debt-to-income takes their approval rate down by about a fifth (printed below).
  { name: "under-25 approval rate falls by ~1/5", drift: { youngDebtIncrease: 0.075 }, expects: /Four-fifths rule by age_band/ },
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

type TSetting = { label: string; minCount: number; consecutive: number | null; bounds: boolean };

/**
 * A rule setting replayed over the stored hourly results: fire when each of the last `consecutive`
 * windows (the rule's own when null) breaches — with bounds, judgeWindow at `minCount`; without,
 * the point estimate against the threshold (the previous logic) — and resolve past the resolve level.
 */
async function replaySetting(modelId: string, rules: (TAlertRule & { id: string })[], hours: number[], setting: TSetting) {
  const fires: { rule: string; hour: number }[] = [];
  for (const rule of rules.filter((candidate) => candidate.windowGranularity === "hour")) {
    const [kind, statistic] = rule.metric.split(".");
    // The previous defaults judged drift per feature and fairness on one window; the others kept theirs.
    const perWindow = /^(drift\.(wasserstein_normed|jensenshannon)|fairness\.)/.test(rule.metric);
    // The defaults replay each rule as it stands (its windows and evidence); a setting of the grid replaces both on the
    // per-window rules, and leaves out the sustained-estimate rule, which exists only at the defaults.
    if (setting.consecutive !== null && rule.evidence === "estimate") continue;
    const consecutive = setting.consecutive !== null && perWindow ? setting.consecutive : rule.consecutiveWindows;
    const bounds = setting.consecutive === null ? rule.evidence !== "estimate" : setting.bounds;
    const rows = await db.$client<
      { start: Date; value: number | null; lower: number | null; upper: number | null; count: number | null }[]
    >`
      select r.window_start as start, r.value, (r.details->>'lower')::float8 as lower, (r.details->>'upper')::float8 as upper,
        (select v.value from monitor_results v where v.model_version_id = r.model_version_id and v.granularity = 'hour'
          and v.window_start = r.window_start and v.kind = 'volume' and v.statistic = 'predictions' and v.feature = '' and v.group_name = '') as count
      from monitor_results r where r.model_id = ${modelId} and r.granularity = 'hour' and r.kind = ${kind} and r.statistic = ${statistic}
        and r.feature = ${rule.feature} and r.group_name = ${rule.groupName} and r.status <> 'unknown' and r.value is not null order by r.window_start`;
    const points = new Map(
      rows.map((row) => [
        new Date(row.start).getTime(),
        {
          value: Number(row.value),
          lower: row.lower === null ? null : Number(row.lower),
          upper: row.upper === null ? null : Number(row.upper),
          count: row.count === null ? null : Number(row.count),
        },
      ]),
    );
    let open = false;
    const series: TWindowPoint[] = [];
    for (const hour of hours) {
      const point = points.get(hour);
      if (!point) continue;
      series.push(point);
      if (open) {
        if (recovered(rule, point.value!)) open = false;
        continue;
      }
      const recent = series.slice(-consecutive);
      const breach = (candidate: TWindowPoint) =>
        bounds
          ? judgeWindow({ comparison: rule.comparison, threshold: rule.threshold, point: candidate, minCount: setting.minCount }).status ===
            "breach"
          : (candidate.count ?? 0) >= setting.minCount && breaches(rule.comparison, candidate.value!, rule.threshold);
      if (recent.length === consecutive && recent.every(breach)) {
        open = true;
        fires.push({ rule: rule.name, hour });
      }
    }
  }
  return fires;
}

type TTimeline = { calmEnd: number; episodes: { name: string; start: number; expects: RegExp }[] };

/** One line of the table: false alarms over the calm days (per model-week and per model-month of 30 days) and windows to detection per episode. */
function summarise(label: string, fires: { rule: string; hour: number }[], timeline: TTimeline) {
  const calmFires = fires.filter((fire) => fire.hour < timeline.calmEnd);
  const detection = timeline.episodes.map((episode) => {
    const end = episode.start + EPISODE_HOURS * HOUR_MS;
    // A rule fires at the end of the hour it judges: the episode's first window is window 1.
    const hit = fires
      .filter((fire) => fire.hour >= episode.start && fire.hour < end && episode.expects.test(fire.rule))
      .sort((x, y) => x.hour - y.hour)[0];
    return hit ? (hit.hour - episode.start) / HOUR_MS + 1 : null;
  });
  const byRule = new Map<string, number>();
  for (const fire of calmFires) byRule.set(fire.rule, (byRule.get(fire.rule) ?? 0) + 1);
  return {
    label,
    falseAlarms: calmFires.length,
    perWeek: calmFires.length / ((CALM_DAYS * 24) / 168),
    perMonth: calmFires.length / (CALM_DAYS / 30),
    detection,
    byRule: [...byRule].sort((x, y) => y[1] - x[1]),
  };
}

function printTable(rows: ReturnType<typeof summarise>[], timeline: TTimeline) {
  const pad = (text: string, width: number) => text.padEnd(width);
  const width = Math.max(...rows.map((row) => row.label.length)) + 2;
  console.log(
    `\n${pad("setting", width)}${pad("false alarms", 14)}${pad("/model-week", 13)}${pad("/model-month", 14)}${timeline.episodes.map((episode, index) => pad(`ep${index + 1} windows`, 13)).join("")}`,
  );
  for (const row of rows)
    console.log(
      `${pad(row.label, width)}${pad(String(row.falseAlarms), 14)}${pad(row.perWeek.toFixed(2), 13)}${pad(row.perMonth.toFixed(2), 14)}${row.detection.map((windows) => pad(windows === null ? `> ${EPISODE_HOURS}` : String(windows), 13)).join("")}`,
    );
  timeline.episodes.forEach((episode, index) => console.log(`  ep${index + 1}: ${episode.name}`));
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
  const begun = Date.now();
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
  console.log(`${hours.length} hours × ${PER_HOUR} predictions inserted in ${((Date.now() - begun) / 1000).toFixed(1)} s; summarising…`);
  const summarising = Date.now();
  const touched = await computeWindows(
    db,
    hours.map((hour) => ({ versionId: row.champion, hour: new Date(hour) })),
  );
  console.log(`monitoring job over ${hours.length} hours: ${((Date.now() - summarising) / 1000).toFixed(1)} s`);
  const versionContext = touched.get(row.id)!;
  await ensureDefaultRules(db, { modelId: row.id, layout: versionContext.layout, reference: versionContext.reference });
  // The rule job at the end of every hour, as the worker runs it; an alert (and an incident) belongs to the hour whose evaluation fired it.
  const started = Date.now();
  const newDefaultFires: { rule: string; hour: number }[] = [];
  const incidentHours: { cause: string; hour: number }[] = [];
  const seen = new Set<string>();
  const liveStart = Math.max(start, calmEnd - LIVE_CALM_DAYS * 24 * HOUR_MS);
  for (const hour of hours.filter((candidate) => candidate >= liveStart)) {
    await evaluateAlertRules(db, row.id, { now: new Date(hour + HOUR_MS + 60_000) });
    const alerts = await db.$client<{ id: string; rule: string }[]>`
      select a.id, r.name as rule from alerts a join alert_rules r on r.id = a.rule_id where a.model_id = ${row.id} and r.source = 'monitoring'`;
    for (const alert of alerts.filter((candidate) => !seen.has(candidate.id))) {
      seen.add(alert.id);
      newDefaultFires.push({ rule: alert.rule, hour });
    }
    const incidents = await db.$client<{ id: string; cause: string }[]>`select id, cause from incidents where model_id = ${row.id}`;
    for (const incident of incidents.filter((candidate) => !seen.has(candidate.id))) {
      seen.add(incident.id);
      incidentHours.push({ cause: incident.cause, hour });
    }
  }
  const liveHours = hours.filter((candidate) => candidate >= liveStart).length;
  console.log(`rule job over the last ${liveHours} hours: ${((Date.now() - started) / 1000).toFixed(1)} s`);
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
    evidence: rule.evidence as "bound" | "estimate",
  }));
  const newFires = newDefaultFires.filter((fire) => rules.find((rule) => rule.name === fire.rule)?.windowGranularity === "hour");
  const timeline: TTimeline = { calmEnd, episodes };
  const calmYoung = young.calm.youngApproved / young.calm.young;
  console.log(
    `\nunder-25 approval rate: calm ${calmYoung.toFixed(3)}, ${EPISODES.map((episode) => {
      const rate = young[episode.name].youngApproved / young[episode.name].young;
      return `${episode.name} ${rate.toFixed(3)} (${(100 * (rate / calmYoung - 1)).toFixed(1)} %)`;
    }).join(", ")}`,
  );
  console.log(`${PER_HOUR} predictions an hour, ${CALM_DAYS} calm days, then ${EPISODES.length} episodes of ${EPISODE_HOURS} hours`);
  // The job's own alerts at the defaults, then the settings replayed over the same stored windows.
  const defaults: TSetting = {
    label: `defaults (≥ ${MIN_ALERT_WINDOW_ROWS}, bounds, rule's windows)`,
    minCount: MIN_ALERT_WINDOW_ROWS,
    consecutive: null,
    bounds: true,
  };
  const settings: TSetting[] = [
    defaults,
    { label: "previous (≥ 200, point estimate, 1 window)", minCount: 200, consecutive: 1, bounds: false },
  ];
  for (const minCount of [200, 300, 500])
    for (const consecutive of [1, 2, 3])
      settings.push({ label: `≥ ${minCount}, bounds, ${consecutive} window(s)`, minCount, consecutive, bounds: true });
  for (const consecutive of [2, 3])
    settings.push({ label: `≥ 500, point estimate, ${consecutive} windows`, minCount: 500, consecutive, bounds: false });
  const rows: ReturnType<typeof summarise>[] = [];
  for (const setting of settings) rows.push(summarise(setting.label, await replaySetting(row.id, rules, hours, setting), timeline));
  printTable(rows, timeline);
  // The replay at the defaults must say what the live job (db/writes/alerts.ts, incidents) said over the hours both judged.
  const key = (fire: { rule: string; hour: number }) => `${fire.rule}@${fire.hour}`;
  const replayed = (await replaySetting(row.id, rules, hours, defaults))
    .filter((fire) => fire.hour >= liveStart)
    .map(key)
    .sort();
  const live = newFires.map(key).sort();
  console.log(
    `\nlive job vs replay at the defaults over the last ${liveHours} hours: ${live.length} vs ${replayed.length} alerts, ${JSON.stringify(live) === JSON.stringify(replayed) ? "identical" : "DIFFERENT"}`,
  );
  const calmIncidents = incidentHours.filter((incident) => incident.hour < calmEnd);
  console.log(
    `\nincidents opened by the live job: ${calmIncidents.length} over its ${LIVE_CALM_DAYS} calm days (${calmIncidents.map((incident) => incident.cause).join(", ") || "none"}), ${incidentHours.length - calmIncidents.length} during the episodes (${incidentHours
      .filter((incident) => incident.hour >= calmEnd)
      .map((incident) => incident.cause)
      .join(", ")})`,
  );
  for (const row of rows.slice(0, 2))
    if (row.byRule.length)
      console.log(`false alarms of "${row.label}": ${row.byRule.map(([rule, count]) => `${count} × ${rule}`).join(", ")}`);
} finally {
  await closeDatabase(db);
  await database.drop();
  await server.stop();
}

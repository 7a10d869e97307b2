import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listActiveHours } from "@/db/queries/monitoring";
import { getArtifactContent } from "@/db/queries/serving";
import { generateCreditApplications, toTensorRow, type TDriftEpisode } from "@/lib/demo/credit-data";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase, resetDemoDeployment } from "@/scripts/testing/database";
import { acknowledgeIncident } from "@/db/writes/alerts";
import { scoreRows } from "../onnx/score-rows";
import { deliverAlerts, evaluateAlertRules } from "./alert-rules";
import { computeHourWindow, computeWindows, runMonitorWindows } from "./monitor-windows";

const { db, close } = openTestDatabase();
const HOUR_MS = 3_600_000;
// Three fixed hours three weeks back, away from every other test's traffic: a calm one, then two
// drifted ones (the default rules fire on two supported breaches in a row).
const calmHour = new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 21 * 24 * HOUR_MS);
const driftHour = new Date(calmHour.getTime() + HOUR_MS);
const secondDriftHour = new Date(driftHour.getTime() + HOUR_MS);
// A calm hour after the episode, in which the drift incident resolves.
const recoveryHour = new Date(secondDriftHour.getTime() + HOUR_MS);
const EPISODE = { incomeShiftFactor: 0.75, youngApplicantShare: 0.35, youngDebtIncrease: 0.15 };
let model: { id: string; champion: string; sha: string };

/** Real demo applications scored by the real champion ONNX model, stored as the worker stores them, with outcomes for 60 %. */
async function insertTraffic(hour: Date, count: number, seed: number, drift?: TDriftEpisode, { withOutcomes = true } = {}) {
  const applications = generateCreditApplications({ count, seed, drift });
  const rows = applications.map(toTensorRow);
  const scores = await scoreRows({
    model: new Uint8Array((await getArtifactContent(db, model.sha))!),
    rows,
    width: rows[0].length,
    probabilityOutput: "probability",
  });
  const records = applications.map((application, index) => ({
    id: crypto.randomUUID(),
    created_at: new Date(hour.getTime() + Math.floor((index * HOUR_MS) / count)).toISOString(),
    model_id: model.id,
    model_version_id: model.champion,
    role: "champion",
    request_id: `monitor-test-${seed}-${index}`,
    features: `{${rows[index].join(",")}}`,
    attributes: JSON.stringify({ sex: application.sex, age_band: application.age_band }),
    probability: scores[index],
    label: scores[index] >= 0.3 ? "default" : "repay",
    confidence: Math.max(scores[index], 1 - scores[index]),
    latency_ms: 2 + (index % 5),
  }));
  await db.$client`insert into predictions ${db.$client(records)}`;
  if (!withOutcomes) return;
  const labelled = records.filter((_, index) => index % 5 < 3);
  await db.$client`insert into outcomes ${db.$client(
    labelled.map((record) => {
      const defaulted = applications[records.indexOf(record)].defaulted;
      return {
        prediction_id: record.id,
        prediction_created_at: record.created_at,
        model_id: model.id,
        label: defaulted ? "default" : "repay",
        label_value: defaulted ? 1 : 0,
        source: "api",
      };
    }),
  )}`;
}

beforeAll(async () => {
  await seedDemo(db);
  await resetDemoDeployment(db);
  const [row] =
    await db.$client`select m.id, d.champion_version_id as champion, v.artifact_sha256 as sha from models m join deployments d on d.model_id = m.id join model_versions v on v.id = d.champion_version_id where m.slug = 'credit-default'`;
  model = { id: row.id, champion: row.champion, sha: row.sha };
  await insertTraffic(calmHour, 600, 101);
  await insertTraffic(driftHour, 600, 202, EPISODE);
  await insertTraffic(secondDriftHour, 600, 303, EPISODE);
});

/** Alerts of the monitoring rules, their incidents and deliveries (canary and backlog tests keep theirs). */
async function clearAlerts() {
  await db.$client`delete from alert_deliveries where alert_id in (select id from alerts where model_id = ${model.id} and rule_id in (select id from alert_rules where source = 'monitoring'))`;
  await db.$client`delete from alerts where model_id = ${model.id} and rule_id in (select id from alert_rules where source = 'monitoring')`;
  await db.$client`delete from incidents i where i.model_id = ${model.id} and not exists (select 1 from alerts a where a.incident_id = i.id)`;
}
async function clearMonitoringExcept(hours: Date[]) {
  const kept = hours.map((hour) => hour.toISOString());
  await clearAlerts();
  await db.$client`delete from alert_rules where model_id = ${model.id} and source = 'monitoring'`;
  await db.$client`delete from monitor_results where model_id = ${model.id} and granularity = 'hour' and window_start not in ${db.$client(kept)}`;
  await db.$client`delete from monitor_windows where model_id = ${model.id} and granularity = 'hour' and window_start not in ${db.$client(kept)}`;
}

afterAll(async () => {
  await clearAlerts();
  await db.$client`delete from alert_channels where url like 'http://127.0.0.1:%'`;
  await db.$client`delete from alert_rules where model_id = ${model.id} and source = 'monitoring'`;
  await db.$client`delete from monitor_results where model_id = ${model.id}`;
  await db.$client`delete from monitor_windows where model_id = ${model.id}`;
  await db.$client`delete from outcomes where prediction_id in (select id from predictions where request_id like 'monitor-test-%')`;
  await db.$client`delete from predictions where request_id like 'monitor-test-%'`;
  await close();
});

const result = async (hour: Date, kind: string, statistic: string, { feature = "", group = "", granularity = "hour" } = {}) => {
  const [row] =
    await db.$client`select value, status, details from monitor_results where model_version_id = ${model.champion} and granularity = ${granularity} and window_start = ${hour.toISOString()} and kind = ${kind} and statistic = ${statistic} and feature = ${feature} and group_name = ${group}`;
  return row as { value: number | null; status: string; details: Record<string, unknown> } | undefined;
};

describe("monitor windows", () => {
  it("find the shifted income and the growing under-25 share in the drift hour only", async () => {
    await computeHourWindow(db, { versionId: model.champion, hour: calmHour });
    await computeHourWindow(db, { versionId: model.champion, hour: driftHour });
    await computeHourWindow(db, { versionId: model.champion, hour: secondDriftHour });
    const calmIncome = await result(calmHour, "drift", "wasserstein_normed", { feature: "annual_income_usd" });
    const driftIncome = await result(driftHour, "drift", "wasserstein_normed", { feature: "annual_income_usd" });
    expect(calmIncome!.status).toBe("ok");
    expect(driftIncome!.status).toBe("breach");
    expect(driftIncome!.value!).toBeGreaterThan(0.1);
    expect(driftIncome!.details.lower as number).toBeLessThanOrEqual(driftIncome!.value!);
    const calmAge = await result(calmHour, "drift", "jensenshannon", { feature: "age_band" });
    const driftAge = await result(driftHour, "drift", "jensenshannon", { feature: "age_band" });
    expect(driftAge!.value!).toBeGreaterThan(calmAge!.value!);
    // The under-25 share, stored per group, grows from about 8 % to about 35 %.
    expect((await result(calmHour, "fairness", "share", { group: "age_band=under_25" }))!.value!).toBeLessThan(0.15);
    expect((await result(driftHour, "fairness", "share", { group: "age_band=under_25" }))!.value!).toBeGreaterThan(0.25);
    // The episode's young applicants carry more debt: their approval rate falls and disparate impact by age band with it.
    const calmDi = await result(calmHour, "fairness", "disparate_impact", { group: "age_band" });
    const driftDi = await result(driftHour, "fairness", "disparate_impact", { group: "age_band" });
    expect(driftDi!.value!).toBeLessThan(0.7);
    // A breach of the four-fifths rule: the whole 95 % interval of the ratio is below 0.8.
    expect(driftDi!.status).toBe("breach");
    expect(driftDi!.details.upper as number).toBeLessThan(0.8);
    expect(driftDi!.details.count).toBe(600);
    expect(calmDi!.value!).toBeGreaterThan(driftDi!.value! + 0.15);
  });

  it("store realized performance from the outcomes, the label-free estimate beside it, and fairness per attribute", async () => {
    const auc = await result(calmHour, "performance", "roc_auc");
    const estimated = await result(calmHour, "performance", "estimated_roc_auc");
    expect(auc!.details.labelled).toBe(360);
    expect(auc!.value!).toBeGreaterThan(0.6);
    expect(Math.abs(estimated!.value! - auc!.value!)).toBeLessThan(0.1);
    const di = await result(calmHour, "fairness", "disparate_impact", { group: "sex" });
    expect(di!.value!).toBeGreaterThan(0);
    expect(di!.value!).toBeLessThanOrEqual(1);
    expect((await result(calmHour, "volume", "predictions"))!.value).toBe(600);
  });

  it("merge the hours into the day", async () => {
    const day = new Date(Math.floor(calmHour.getTime() / (24 * HOUR_MS)) * 24 * HOUR_MS);
    const [window] =
      await db.$client`select row_count, labelled_count from monitor_windows where model_version_id = ${model.champion} and granularity = 'day' and window_start = ${day.toISOString()}`;
    const hoursOfDay = [calmHour, driftHour, secondDriftHour].filter((hour) => hour.getTime() - day.getTime() < 24 * HOUR_MS).length;
    expect(window).toEqual({ row_count: 600 * hoursOfDay, labelled_count: 360 * hoursOfDay });
  });

  it("are idempotent: recomputing a window changes nothing", async () => {
    const before =
      await db.$client`select statistic, feature, group_name, value from monitor_results where model_version_id = ${model.champion} and window_start = ${driftHour.toISOString()} order by 1, 2, 3`;
    await computeHourWindow(db, { versionId: model.champion, hour: driftHour });
    const after =
      await db.$client`select statistic, feature, group_name, value from monitor_results where model_version_id = ${model.champion} and window_start = ${driftHour.toISOString()} order by 1, 2, 3`;
    expect(after).toEqual(before);
    const [{ count }] =
      await db.$client`select count(*)::int from monitor_windows where model_version_id = ${model.champion} and granularity = 'hour' and window_start = ${driftHour.toISOString()}`;
    expect(count).toBe(1);
  });
});

/** Equal up to float rounding: sums added in another order differ in the last bits. */
function expectSameSummary(actual: unknown, expected: unknown, path = "summary"): void {
  if (typeof expected === "number" && typeof actual === "number") {
    expect(Math.abs(actual - expected), path).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
  } else if (expected && typeof expected === "object") {
    expect(Object.keys(actual as object).sort(), path).toEqual(Object.keys(expected).sort());
    for (const [key, value] of Object.entries(expected))
      expectSameSummary((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
  } else expect(actual, path).toEqual(expected);
}

describe("hours with predictions", () => {
  it("are found by one probe per version and hour, as grouping the rows finds them", async () => {
    // Bounds inside hours: the first and last hours are partly in range. Other files' versions may have rows here too: this version's hours are compared.
    const from = new Date(calmHour.getTime() + 30 * 60_000);
    const to = new Date(secondDriftHour.getTime() + 10 * 60_000);
    const grouped = await db.$client`select date_trunc('hour', created_at) as hour from predictions
      where model_version_id = ${model.champion} and created_at >= ${from.toISOString()} and created_at < ${to.toISOString()} group by 1`;
    const probed = (await listActiveHours(db, { from, to })).filter((row) => row.versionId === model.champion);
    const hours = (rows: Array<{ hour: Date }>) => rows.map((row) => new Date(row.hour).toISOString()).sort();
    expect(hours(probed)).toEqual(hours(grouped as unknown as Array<{ hour: Date }>));
    expect(hours(probed)).toEqual([calmHour, driftHour, secondDriftHour].map((hour) => hour.toISOString()));
  });
});

describe("an open hour", () => {
  // Two weeks back: outside the alert test's week.
  const openHour = new Date(calmHour.getTime() + 7 * 24 * HOUR_MS);
  const minutes = (count: number) => new Date(openHour.getTime() + count * 60_000);
  const stored = async () => {
    const [row] =
      await db.$client`select row_count, rows_until, computed_at, summary from monitor_windows where model_version_id = ${model.champion} and granularity = 'hour' and window_start = ${openHour.toISOString()}`;
    return row as { row_count: number; rows_until: Date | null; computed_at: Date; summary: unknown };
  };

  it("is extended with the predictions stamped since the last pass, equals the hour read whole, and is checked when complete", async () => {
    const pass = (minute: number) => computeWindows(db, [{ versionId: model.champion, hour: openHour }], { now: minutes(minute) });
    const insertLate = (minute: number) =>
      db.$client`insert into predictions (id, created_at, model_id, model_version_id, role, request_id, features, probability, label, confidence, latency_ms)
        select gen_random_uuid(), ${minutes(minute).toISOString()}, model_id, model_version_id, role, 'monitor-test-late', features, probability, label, confidence, latency_ms
        from predictions where request_id = 'monitor-test-505-0'`;
    // 600 predictions spread evenly over the hour (one every 6 s), no outcomes (an outcome makes the next pass read its hour whole).
    await insertTraffic(openHour, 600, 505, undefined, { withOutcomes: false });
    // Half an hour in: what is settled (stamped a minute or more ago) is read.
    await pass(30);
    const first = await stored();
    expect(new Date(first.rows_until!).toISOString()).toBe(minutes(29).toISOString());
    expect(first.row_count).toBe(290);

    // A prediction committed behind rows_until (a stall longer than the worker's bounds) is not read by
    // the next pass while the hour is open: proof that it reads only [rows_until, settled).
    await insertLate(10);
    await pass(45);
    const extended = await stored();
    expect(extended.row_count).toBe(440);

    // Without it, the hour read whole is the same summary as the two passes.
    await db.$client`delete from predictions where request_id = 'monitor-test-late'`;
    await computeHourWindow(db, { versionId: model.champion, hour: openHour }, { now: minutes(45) });
    const whole = await stored();
    expect(whole.row_count).toBe(440);
    expectSameSummary(extended.summary, whole.summary);

    // The pass that completes the hour counts it, finds a late prediction and reads the hour whole.
    await insertLate(20);
    await pass(62);
    const complete = await stored();
    expect(new Date(complete.rows_until!).toISOString()).toBe(minutes(60).toISOString());
    expect(complete.row_count).toBe(601);

    // Complete: a later pass does not touch it.
    await pass(70);
    expect((await stored()).computed_at).toEqual(complete.computed_at);
  });
});

describe("alert rules", () => {
  it("get defaults, group the episode's alerts into one incident per cause, notify each incident once with a retry, and resolve it", async () => {
    type TBody = { text?: string; event?: string; incident: { id: string; members: number }; alert: { id: string } };
    const received: TBody[] = [];
    // The receiver refuses each event's first delivery, so every one goes through one retry.
    const refused = new Set<string>();
    const server = createServer((request: IncomingMessage, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        const parsed = JSON.parse(body) as TBody;
        const key = `${parsed.incident.id}:${parsed.event}`;
        if (!refused.has(key)) {
          refused.add(key);
          response.writeHead(503).end();
          return;
        }
        received.push(parsed);
        response.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      // Other files' workers may have monitored today's traffic: start from this file's hours only.
      await clearMonitoringExcept([calmHour, driftHour, secondDriftHour]);
      const [channel] =
        await db.$client`insert into alert_channels (model_id, kind, url) values (${model.id}, 'webhook', ${url}) returning id`;
      // A pass over the last week finds the hours (missing windows) and creates the default rules;
      // half an hour into the second drifted hour, it is still filling, and one drifted hour alone does not fire.
      const early = await runMonitorWindows(db, { since: null, now: new Date(secondDriftHour.getTime() + 30 * 60_000) });
      expect(early.windows).toBeGreaterThanOrEqual(3);
      expect(early.fired).toBe(0);
      // Once the second drifted hour is complete, two supported breaches in a row fire.
      const pass = await runMonitorWindows(db, { since: null, now: new Date(secondDriftHour.getTime() + HOUR_MS + 60_000) });
      expect(pass.fired).toBeGreaterThanOrEqual(2);
      const rules = await db.$client`select name from alert_rules where model_id = ${model.id} and source = 'monitoring'`;
      expect(rules.map((rule) => rule.name)).toEqual(
        expect.arrayContaining(["Drift on annual_income_usd", "Four-fifths rule by sex", "Sustained dataset drift"]),
      );
      const [fired] =
        await db.$client`select a.id, a.title, a.message, a.status, a.incident_id from alerts a join alert_rules r on r.id = a.rule_id where r.model_id = ${model.id} and r.name = 'Drift on annual_income_usd'`;
      expect(fired.status).toBe("firing");
      const [fairness] =
        await db.$client`select a.status, a.incident_id from alerts a join alert_rules r on r.id = a.rule_id where r.model_id = ${model.id} and r.name = 'Four-fifths rule by age_band'`;
      expect(fairness.status).toBe("firing");
      expect(fired.message).toMatch(
        /^drift\.wasserstein_normed \(feature annual_income_usd\) is [0-9.]+, at or above the threshold 0\.1 for 2 hours in a row\.$/,
      );

      // Every alert of the pass belongs to the one open incident of its cause; the drift incident spans the two drifted hours.
      const incidents =
        await db.$client`select i.id, i.cause, i.severity, i.status, i.first_window_start, i.last_window_end, count(a.id)::int as members,
                                count(*) filter (where r.metric like 'drift.%')::int as drift_members
                         from incidents i join alerts a on a.incident_id = i.id join alert_rules r on r.id = a.rule_id
                         where i.model_id = ${model.id} and r.source = 'monitoring' group by i.id order by i.cause`;
      const [alertCount] =
        await db.$client`select count(*)::int as n, count(distinct incident_id)::int as incidents, count(incident_id)::int as attached from alerts a join alert_rules r on r.id = a.rule_id where r.model_id = ${model.id} and r.source = 'monitoring'`;
      expect(alertCount.attached).toBe(alertCount.n);
      expect(alertCount.n).toBe(pass.fired);
      expect(alertCount.incidents).toBe(incidents.length);
      expect(new Set(incidents.map((incident) => incident.cause)).size).toBe(incidents.length);
      const drift = incidents.find((incident) => incident.cause === "drift")!;
      expect(drift).toMatchObject({ id: fired.incident_id, status: "open", severity: "warning" });
      expect(drift.members).toBe(drift.drift_members);
      expect(new Date(drift.first_window_start).toISOString()).toBe(driftHour.toISOString());
      expect(new Date(drift.last_window_end).toISOString()).toBe(recoveryHour.toISOString());
      expect(incidents.find((incident) => incident.cause === "fairness:age_band")).toMatchObject({
        id: fairness.incident_id,
        severity: "critical",
      });
      // One "opened" delivery and one audit record per incident, however many alerts it holds.
      const queued = await db.$client`select incident_id, event from alert_deliveries where channel_id = ${channel.id}`;
      expect(queued.map((row) => `${row.incident_id}:${row.event}`).sort()).toEqual(
        incidents.map((incident) => `${incident.id}:opened`).sort(),
      );
      const audits =
        await db.$client`select subject_id from audit_records where action = 'incident.opened' and subject_id in ${db.$client(incidents.map((incident) => incident.id))}`;
      expect(audits).toHaveLength(incidents.length);
      // Evaluating again with nothing new neither fires twice nor resolves.
      expect(await evaluateAlertRules(db, model.id, { now: new Date(secondDriftHour.getTime() + HOUR_MS + 60_000) })).toEqual({
        fired: 0,
        resolved: 0,
      });

      const first = await deliverAlerts(db, { consoleUrl: "http://console.test" });
      // (Other files' jobs may have deliveries due at the same time: this channel's are counted below.)
      expect(first.failed).toBeGreaterThanOrEqual(incidents.length);
      const [pending] =
        await db.$client`select status, attempts, last_error from alert_deliveries where incident_id = ${drift.id} and channel_id = ${channel.id}`;
      expect(pending).toEqual({ status: "pending", attempts: 1, last_error: "HTTP 503" });
      await db.$client`update alert_deliveries set next_attempt_at = now() where status = 'pending'`;
      await deliverAlerts(db, { consoleUrl: "http://console.test" });
      const [delivered] =
        await db.$client`select status, attempts from alert_deliveries where incident_id = ${drift.id} and channel_id = ${channel.id}`;
      expect(delivered).toEqual({ status: "delivered", attempts: 2 });
      const message = received.find((body) => body.incident.id === drift.id)!;
      expect(message.event).toBe("opened");
      expect(message.incident.members).toBe(drift.members);
      expect(message.text).toContain("Credit default risk: input drift");
      expect(message.text).toContain(`<http://console.test/alerts#incident-${drift.id}|Open in Oversight>`);

      // Acknowledging an open incident acknowledges every member still firing, with one audit record; twice is refused.
      const open = { id: fairness.incident_id as string };
      const [person] = await db.$client`select id, email from users where 'committee' = any(roles) limit 1`;
      const actor = { id: person.id as string, label: person.email as string, roles: ["committee" as const] };
      const firing = await db.$client`select id from alerts where incident_id = ${open.id} and status = 'firing'`;
      expect(await acknowledgeIncident(db, { incidentId: open.id, actor })).toEqual({ modelId: model.id, acknowledged: firing.length });
      const members = await db.$client`select status, acknowledged_by from alerts where incident_id = ${open.id} and status <> 'resolved'`;
      expect(members.every((member) => member.status === "acknowledged" && member.acknowledged_by === person.id)).toBe(true);
      const [acknowledged] = await db.$client`select status, acknowledged_by from incidents where id = ${open.id}`;
      expect(acknowledged).toEqual({ status: "acknowledged", acknowledged_by: person.id });
      const [audit] =
        await db.$client`select actor_label, input from audit_records where action = 'incident.acknowledged' and subject_id = ${open.id}`;
      expect(audit.actor_label).toBe(person.email);
      expect(audit.input.members).toHaveLength(firing.length);
      await expect(acknowledgeIncident(db, { incidentId: open.id, actor })).rejects.toMatchObject({
        code: "incident_not_open",
        status: 409,
      });

      // A calm hour after the episode: every drift member recovers, the incident resolves and is notified once more.
      await insertTraffic(recoveryHour, 600, 404);
      const after = await runMonitorWindows(db, { since: null, now: new Date(recoveryHour.getTime() + HOUR_MS + 60_000) });
      expect(after.resolved).toBeGreaterThanOrEqual(drift.members);
      const [resolved] = await db.$client`select status, resolved_at from incidents where id = ${drift.id}`;
      expect(resolved.status).toBe("resolved");
      const events =
        await db.$client`select event from alert_deliveries where incident_id = ${drift.id} and channel_id = ${channel.id} order by created_at`;
      expect(events.map((row) => row.event)).toEqual(["opened", "resolved"]);
    } finally {
      server.close();
    }
  });
});

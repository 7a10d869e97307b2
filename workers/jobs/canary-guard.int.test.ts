import { afterAll, beforeAll, expect, it } from "vitest";
import { systemActor } from "@/db/writes/actor";
import { moveDeployment } from "@/db/writes/deployment";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase, resetDemoDeployment } from "@/scripts/testing/database";
import { deliverAlerts } from "./alert-rules";
import { runCanaryGuard } from "./canary-guard";
import { startWebhookReceiver } from "./test-webhook-receiver";

const { db, close } = openTestDatabase();
beforeAll(() => seedDemo(db));
afterAll(close);

it("withdraws a canary whose p99 latency is past the limit, audits why, and the committee's webhook receives the alert", async () => {
  const receiver = await startWebhookReceiver();
  const [model] = await db.$client`select id from models where slug = 'credit-default'`;
  const [channel] =
    await db.$client`insert into alert_channels (model_id, kind, url) values (${model.id}, 'webhook', ${receiver.url}) returning id`;
  try {
    const versions =
      await db.$client`select id, version from model_versions where model_id = ${model.id} and version in ('1.0.0', '1.1.0') order by version`;
    const [champion, challenger] = [versions[0].id, versions[1].id];
    // Other test files share this database: set the deployment this test needs, whatever they left.
    await db.$client`update model_versions set status = 'champion' where id = ${champion}`;
    await db.$client`update model_versions set status = 'canary' where id = ${challenger}`;
    await db.$client`update deployments set champion_version_id = ${champion}, challenger_version_id = ${challenger}, mode = 'canary', canary_percent = 10, kill_switch = false, revision = revision + 1 where model_id = ${model.id}`;
    await db.$client`delete from predictions where model_id = ${model.id} and model_version_id in (${champion}, ${challenger}) and created_at > now() - interval '1 hour'`;
    const [before] = await db.$client`select revision from deployments where model_id = ${model.id}`;

    // 300 answers per arm in the last hour: same confidence, but the challenger is 10× slower.
    const insert = (versionId: string, role: string, latencyMs: number) => db.$client`
      insert into predictions (model_id, model_version_id, role, request_id, features, probability, label, confidence, latency_ms)
      select ${model.id}, ${versionId}, ${role}, 'guard-' || g, '{1,2,3}'::real[], 0.2, 'repay', 0.8, ${latencyMs} from generate_series(1, 300) g`;
    await insert(champion, "champion", 2);
    expect(await runCanaryGuard(db)).toBe(0); // the challenger has no traffic yet: insufficient data
    await insert(challenger, "challenger", 20);

    expect(await runCanaryGuard(db)).toBe(1);
    const [deployment] =
      await db.$client`select mode, challenger_version_id, canary_percent, revision, updated_by from deployments where model_id = ${model.id}`;
    expect(deployment).toEqual({
      mode: "off",
      challenger_version_id: null,
      canary_percent: 0,
      revision: before.revision + 1,
      updated_by: null,
    });
    const [version] = await db.$client`select status from model_versions where id = ${challenger}`;
    expect(version.status).toBe("approved");
    const [audit] =
      await db.$client`select action, actor_label, input from audit_records where subject_id = ${challenger} order by sequence desc limit 1`;
    expect(audit).toMatchObject({ action: "deployment.withdraw", actor_label: "system (canary guard)" });
    expect(audit.input).toMatchObject({ from: "canary", to: "approved", revision: before.revision + 1 });
    expect(audit.input.reasons).toEqual(["p99 latency 20 ms against the champion's 2 ms: 10 times, more than the 2 times allowed."]);

    // The alert and its webhook delivery were written in the withdrawal's transaction.
    const [alert] =
      await db.$client`select id, severity, status, title from alerts where model_id = ${model.id} and title like 'Canary%' order by fired_at desc limit 1`;
    expect(alert).toMatchObject({
      severity: "critical",
      status: "firing",
      title: "Canary 1.1.0 of credit-default withdrawn by the canary guard",
    });
    // It opened the model's "canary" incident, which queued the one delivery.
    const [incident] =
      await db.$client`select i.cause, i.severity, i.status from incidents i join alerts a on a.incident_id = i.id where a.id = ${alert.id}`;
    expect(incident).toEqual({ cause: "canary", severity: "critical", status: "open" });
    const queued = await db.$client`select status, event from alert_deliveries where alert_id = ${alert.id} and channel_id = ${channel.id}`;
    expect(queued).toEqual([{ status: "pending", event: "opened" }]);

    await deliverAlerts(db, { consoleUrl: "http://console.test" });
    const [delivered] =
      await db.$client`select status, attempts from alert_deliveries where alert_id = ${alert.id} and channel_id = ${channel.id}`;
    expect(delivered).toEqual({ status: "delivered", attempts: 1 });
    const message = receiver.received.find((body) => body.alert.id === alert.id);
    expect(message).toMatchObject({
      event: "opened",
      incident: { cause: "canary", members: 1 },
      alert: { severity: "critical", title: alert.title },
    });
    expect(message!.text).toContain("p99 latency 20 ms against the champion's 2 ms");

    // Nothing is left to withdraw, and nothing is alerted twice.
    expect(await runCanaryGuard(db)).toBe(0);
  } finally {
    await receiver.close();
    // Leave no synthetic traffic or channel behind for the other files of this run.
    await db.$client`delete from alert_deliveries where channel_id = ${channel.id}`;
    await db.$client`delete from alert_channels where id = ${channel.id}`;
    await db.$client`delete from predictions where request_id like 'guard-%'`;
  }
});

it("leaves a canary alone when the deployment changed after it was judged", async () => {
  // The revision check is what keeps a slow guard from withdrawing a canary the committee just replaced.
  const [model] = await db.$client`select id from models where slug = 'credit-default'`;
  const [challenger] = await db.$client`select id from model_versions where model_id = ${model.id} and version = '1.1.0'`;
  await db.$client`update model_versions set status = 'canary' where id = ${challenger.id}`;
  await db.$client`update deployments set challenger_version_id = ${challenger.id}, mode = 'canary', canary_percent = 10, revision = revision + 1 where model_id = ${model.id}`;
  const [{ revision }] = await db.$client`select revision from deployments where model_id = ${model.id}`;
  await expect(
    moveDeployment(db, {
      model: { id: model.id },
      actor: systemActor("canary guard"),
      action: "withdraw",
      versionId: challenger.id,
      expectedRevision: revision - 1,
    }),
  ).rejects.toMatchObject({ code: "state_changed", status: 409 });
  const [deployment] = await db.$client`select mode, revision from deployments where model_id = ${model.id}`;
  expect(deployment).toEqual({ mode: "canary", revision });
  await db.$client`update model_versions set status = 'approved' where id = ${challenger.id}`;
  await db.$client`update deployments set challenger_version_id = null, mode = 'off', canary_percent = 0, revision = revision + 1 where model_id = ${model.id}`;
});

/** A copy of a demo version under another name (same artifact and schemas), so a test's arms hold only the test's predictions. */
async function cloneVersion(modelId: string, from: string, to: string): Promise<string> {
  const columns = (
    await db.$client`select column_name from information_schema.columns where table_name = 'model_versions' and column_name not in ('id', 'version')`
  ).map((row) => `"${row.column_name}"`);
  await db.$client`delete from model_versions where model_id = ${modelId} and version = ${to}`;
  const [made] = await db.$client.unsafe(
    `insert into model_versions (version, ${columns.join(", ")}) select $1, ${columns.join(", ")} from model_versions where model_id = $2 and version = $3 returning id`,
    [to, modelId, from],
  );
  return made.id as string;
}

it("holds a canary behind on the business value with one warning, recommends one ahead, and never moves the deployment", async () => {
  const [model] = await db.$client`select id from models where slug = 'credit-default'`;
  const champion = await cloneVersion(model.id, "1.0.0", "9.0.0-guard-control");
  const challenger = await cloneVersion(model.id, "1.1.0", "9.0.1-guard-treatment");
  try {
    await db.$client`update model_versions set status = 'champion' where id = ${champion}`;
    await db.$client`update model_versions set status = 'canary' where id = ${challenger}`;
    await db.$client`update deployments set champion_version_id = ${champion}, challenger_version_id = ${challenger}, mode = 'canary', canary_percent = 10, kill_switch = false, revision = revision + 1 where model_id = ${model.id}`;
    const [before] = await db.$client`select revision from deployments where model_id = ${model.id}`;

    // 200 answers per arm two hours ago (the last hour is empty: the operational checks wait), each with an outcome
    // value; outcomes arrive alternately control, treatment, … — the data and order of the unit test's table in
    // lib/governance/canary-guard.test.ts, so the expected figures are the same (scipy and a separate Python mSPRT).
    const n = 200;
    const base = (step: number) => Array.from({ length: n }, (_, i) => 100 + ((i * step) % 41) - 20);
    // One fixed clock for both arms (now() differs from statement to statement), so the arrival order is exactly alternating.
    const arrivedFrom = new Date(Date.now() - 3_600_000).toISOString();
    const insertArm = async (versionId: string, role: string, values: number[], offset: number) => {
      const ids = await db.$client`
        insert into predictions (model_id, model_version_id, role, request_id, features, probability, label, confidence, latency_ms, created_at)
        select ${model.id}, ${versionId}, ${role}, 'guard-value-' || ${role} || '-' || g, '{1,2,3}'::real[], 0.2, 'repay', 0.8, 2,
               now() - interval '2 hours' from generate_series(0, ${n - 1}) g
        returning id, created_at, request_id`;
      const byIndex = new Map(ids.map((row) => [Number(String(row.request_id).split("-").pop()), row]));
      for (let i = 0; i < n; i += 1) {
        const row = byIndex.get(i)!;
        await db.$client`insert into outcomes (prediction_id, prediction_created_at, model_id, label, label_value, source, value, created_at)
          values (${row.id}, ${row.created_at}, ${model.id}, 'repay', 0, 'api', ${values[i]}, ${arrivedFrom}::timestamptz + make_interval(secs => ${2 * i + offset}))`;
      }
    };
    await insertArm(champion, "champion", base(37), 0);
    await insertArm(
      challenger,
      "challenger",
      base(53).map((value) => value - 6),
      1,
    );

    expect(await runCanaryGuard(db)).toBe(0);
    const [held] = await db.$client`select * from canary_business_verdicts where model_id = ${model.id}`;
    expect(held).toMatchObject({ verdict: "hold", control_n: n, treatment_n: n, test: "welch" });
    // scipy.stats.ttest_ind(treatment, control, equal_var=False): difference −6.235, CI (−8.5752, −3.8948).
    expect(held.difference).toBeCloseTo(-6.234999999999999, 9);
    expect(held.ci_low).toBeCloseTo(-8.575217888594763, 8);
    expect(held.always_valid_p_value / 0.0001849123310902877).toBeCloseTo(1, 8);
    const [alert] = await db.$client`select id, severity, status, title from alerts where id = ${held.alert_id}`;
    expect(alert).toMatchObject({
      severity: "warning",
      status: "firing",
      title: "Canary 9.0.1-guard-treatment of credit-default held by the canary guard: behind on the business value",
    });
    const [incident] = await db.$client`select i.cause from incidents i join alerts a on a.incident_id = i.id where a.id = ${alert.id}`;
    expect(incident.cause).toBe("canary_business");

    // A second pass keeps the one warning.
    expect(await runCanaryGuard(db)).toBe(0);
    const [again] = await db.$client`select alert_id from canary_business_verdicts where model_id = ${model.id}`;
    expect(again.alert_id).toBe(alert.id);
    expect(await db.$client`select id from alerts where model_id = ${model.id} and title like 'Canary 9.0.1%'`).toHaveLength(1);

    // The challenger pulls ahead: recommend promotion, the hold's warning is resolved, and nobody promoted anything.
    await db.$client`update outcomes o set value = o.value + 12 from predictions p
      where p.id = o.prediction_id and p.created_at = o.prediction_created_at and p.model_version_id = ${challenger}`;
    expect(await runCanaryGuard(db)).toBe(0);
    const [ahead] =
      await db.$client`select verdict, difference, always_valid_p_value, alert_id from canary_business_verdicts where model_id = ${model.id}`;
    expect(ahead.verdict).toBe("recommend_promotion");
    expect(ahead.difference).toBeCloseTo(5.765000000000001, 9);
    expect(ahead.always_valid_p_value / 0.0003500463524089471).toBeCloseTo(1, 8);
    expect(ahead.alert_id).toBeNull();
    const [resolved] = await db.$client`select status from alerts where id = ${alert.id}`;
    expect(resolved.status).toBe("resolved");
    const [deployment] =
      await db.$client`select mode, champion_version_id, challenger_version_id, canary_percent, revision from deployments where model_id = ${model.id}`;
    expect(deployment).toEqual({
      mode: "canary",
      champion_version_id: champion,
      challenger_version_id: challenger,
      canary_percent: 10,
      revision: before.revision,
    });

    // The canary ends (here by hand): its verdict goes with it.
    await db.$client`update deployments set challenger_version_id = null, mode = 'off', canary_percent = 0, revision = revision + 1 where model_id = ${model.id}`;
    expect(await runCanaryGuard(db)).toBe(0);
    expect(await db.$client`select 1 from canary_business_verdicts where model_id = ${model.id}`).toHaveLength(0);
  } finally {
    await db.$client`delete from outcomes where prediction_id in (select id from predictions where request_id like 'guard-value-%')`;
    await db.$client`delete from predictions where request_id like 'guard-value-%'`;
    await db.$client`delete from canary_business_verdicts where model_id = ${model.id}`;
    await resetDemoDeployment(db);
    await db.$client`delete from model_versions where id in (${champion}, ${challenger})`;
  }
});

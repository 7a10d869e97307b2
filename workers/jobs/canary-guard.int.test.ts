import { afterAll, beforeAll, expect, it } from "vitest";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase } from "@/scripts/testing/database";
import { runCanaryGuard } from "./canary-guard";

const { db, close } = openTestDatabase();
beforeAll(() => seedDemo(db));
afterAll(close);

it("withdraws a canary whose p99 latency is past the limit, alerts the committee and audits why", async () => {
  const [model] = await db.$client`select id from models where slug = 'credit-default'`;
  const versions = await db.$client`select id, version from model_versions where model_id = ${model.id} and version in ('1.0.0', '1.1.0') order by version`;
  const [champion, challenger] = [versions[0].id, versions[1].id];
  // Other test files share this database: set the deployment this test needs, whatever they left.
  await db.$client`update model_versions set status = 'champion' where id = ${champion}`;
  await db.$client`update model_versions set status = 'canary' where id = ${challenger}`;
  await db.$client`update deployments set champion_version_id = ${champion}, challenger_version_id = ${challenger}, mode = 'canary', canary_percent = 10, kill_switch = false, revision = revision + 1 where model_id = ${model.id}`;
  await db.$client`delete from predictions where model_id = ${model.id} and model_version_id in (${champion}, ${challenger}) and created_at > now() - interval '1 hour'`;

  // 300 answers per arm in the last hour: same confidence, but the challenger is 10× slower.
  const insert = (versionId: string, role: string, latencyMs: number) => db.$client`
    insert into predictions (model_id, model_version_id, role, request_id, features, probability, label, confidence, latency_ms)
    select ${model.id}, ${versionId}, ${role}, 'guard-' || g, '{1,2,3}'::real[], 0.2, 'repay', 0.8, ${latencyMs} from generate_series(1, 300) g`;
  await insert(champion, "champion", 2);
  expect(await runCanaryGuard(db)).toBe(0); // the challenger has no traffic yet: insufficient data
  await insert(challenger, "challenger", 20);

  expect(await runCanaryGuard(db)).toBe(1);
  const [deployment] = await db.$client`select mode, challenger_version_id, canary_percent from deployments where model_id = ${model.id}`;
  expect(deployment).toEqual({ mode: "off", challenger_version_id: null, canary_percent: 0 });
  const [version] = await db.$client`select status from model_versions where id = ${challenger}`;
  expect(version.status).toBe("approved");
  const [audit] = await db.$client`select action, input from audit_records where subject_id = ${challenger} order by sequence desc limit 1`;
  expect(audit.action).toBe("deployment.canary_guard_withdrew");
  expect(audit.input.reasons).toEqual(["p99 latency 20 ms against the champion's 2 ms: 10 times, more than the 2 times allowed."]);
  const [alert] = await db.$client`select severity, status, title from alerts where model_id = ${model.id} and title like 'Canary%'`;
  expect(alert).toMatchObject({ severity: "critical", status: "firing" });
  expect(await runCanaryGuard(db)).toBe(0);
  // Leave no synthetic traffic behind for the other files of this run.
  await db.$client`delete from predictions where request_id like 'guard-%'`;
});

import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "@/scripts/seed/demo-seed";
import { openTestDatabase } from "@/scripts/testing/database";
import type { TDb } from "../connection";
import { moveDeployment } from "../writes/deployment";
import { getAdminHome, getAnalystHome, getNavCounts, listAwaitingMyVote, listMyVersions } from "./home";
import { listModelPortfolio } from "./models";

const { db, close } = openTestDatabase();
const users: Record<string, { id: string; roles: string[] }> = {};
// A model of this file's own (high risk), so what other files leave on the demo model does not count here.
const ids = { model: "", champion: "", candidate: "", other: "", sha: "" };

async function addVersion(version: string, status: string, registeredBy: string | null): Promise<string> {
  const [major, minor, patch] = version.split(".").map(Number);
  const [row] =
    await db.$client`insert into model_versions (model_id, version, version_major, version_minor, version_patch, status, artifact_sha256, input_schema, output_schema, registered_by)
    values (${ids.model}, ${version}, ${major}, ${minor}, ${patch}, ${status}, ${ids.sha}, '{}', '{}', ${registeredBy}) returning id`;
  return row.id;
}

/** Runs `body` in a repeatable-read transaction that is rolled back: counts before and after its own inserts differ only by them. */
async function inSnapshot(body: (tx: TDb) => Promise<void>): Promise<void> {
  const rollback = new Error("rollback");
  await db
    .transaction(
      async (tx) => {
        await body(tx);
        throw rollback;
      },
      { isolationLevel: "repeatable read" },
    )
    .catch((error) => {
      if (error !== rollback) throw error;
    });
}

beforeAll(async () => {
  await seedDemo(db);
  for (const row of await db.$client`select id, email, roles from users`) users[row.email.split("@")[0]] = { id: row.id, roles: row.roles };
  [{ sha: ids.sha }] = await db.$client`select artifact_sha256 as sha from model_versions limit 1`;
  [{ id: ids.model }] =
    await db.$client`insert into models (slug, display_name, risk_tier, business_kpi) values ('home-portfolio', 'Home portfolio', 'high', 'Fraud caught') returning id`;
  ids.champion = await addVersion("1.0.0", "champion", users.scientist.id);
  ids.candidate = await addVersion("2.0.0", "awaiting_approval", users.scientist.id);
  ids.other = await addVersion("2.1.0", "validation_failed", users.scientist.id);
  await db.$client`insert into deployments (model_id, champion_version_id) values (${ids.model}, ${ids.champion})`;
  await db.$client`insert into approval_requests (model_version_id, requested_by, quorum) values (${ids.candidate}, ${users.scientist.id}, 3)`;
});
afterAll(close);

describe("versions awaiting a committee member's vote", () => {
  it("lists a pending request until the member votes, and never to whoever registered or asked for it (four-eyes)", async () => {
    const mine = (await listAwaitingMyVote(db, users.committee.id)).filter((vote) => vote.modelSlug === "home-portfolio");
    expect(mine).toEqual([expect.objectContaining({ version: "2.0.0", approvals: 0, quorum: 3, riskTier: "high" })]);
    expect((await listAwaitingMyVote(db, users.scientist.id)).filter((vote) => vote.modelSlug === "home-portfolio")).toEqual([]);

    const counts = async (userId: string) =>
      (await getNavCounts(db, { userId, roles: ["committee"], canVote: true, canReview: false })).awaitingMyVote;
    const before = await counts(users.committee2.id);
    const [request] = await db.$client`select id from approval_requests where model_version_id = ${ids.candidate}`;
    await db.$client`insert into approval_votes (approval_request_id, voter_id, decision, comment) values (${request.id}, ${users.committee2.id}, 'approve', 'fine')`;
    expect(await counts(users.committee2.id)).toBe(before! - 1);
    expect((await listAwaitingMyVote(db, users.committee.id)).find((vote) => vote.modelSlug === "home-portfolio")?.approvals).toBe(1);
    // A role without the vote is not asked, and pays for no count.
    expect(
      (await getNavCounts(db, { userId: users.analyst.id, roles: ["analyst"], canVote: false, canReview: true })).awaitingMyVote,
    ).toBeNull();
  });
});

describe("the analyst's home", () => {
  it("counts the queue by SLA state, the analyst's live claims and decisions today", async () => {
    await inSnapshot(async (tx) => {
      const before = await getAnalystHome(tx, users.analyst.id);
      const item = async (fields: {
        created: string;
        due: string;
        status?: string;
        claimedBy?: string;
        expires?: string;
        decided?: boolean;
      }) => {
        await tx.execute(sql`insert into review_items (prediction_id, prediction_created_at, model_id, reason, status, claimed_by, claim_expires_at, due_at, created_at, decided_by, decided_at, decision)
          values (gen_random_uuid(), now(), ${ids.model}, 'low_confidence', ${fields.status ?? "open"}, ${fields.claimedBy ?? null},
                  now() + ${fields.expires ?? null}::interval, now() + ${fields.due}::interval, now() + ${fields.created}::interval,
                  ${fields.decided ? users.analyst.id : null}, ${fields.decided ? sql`now()` : null}, ${fields.decided ? "accept" : null})`);
      };
      // Windows of 4 hours: due soon is the last quarter (1 hour).
      await item({ created: "-5 hours", due: "-1 hour" }); // overdue
      await item({ created: "-5 hours", due: "-1 minute" }); // overdue
      await item({ created: "-3 hours 30 minutes", due: "30 minutes" }); // due soon
      await item({ created: "-1 hour", due: "3 hours", status: "claimed", claimedBy: users.analyst.id, expires: "10 minutes" }); // on track, held
      await item({ created: "-1 hour", due: "3 hours", status: "claimed", claimedBy: users.analyst.id, expires: "-1 minute" }); // on track, claim expired
      await item({ created: "-2 hours", due: "2 hours", status: "decided", decided: true }); // decided today: not in the queue
      const after = await getAnalystHome(tx, users.analyst.id);
      expect({
        overdue: after.queue.overdue - before.queue.overdue,
        dueSoon: after.queue.dueSoon - before.queue.dueSoon,
        onTrack: after.queue.onTrack - before.queue.onTrack,
        total: after.queue.total - before.queue.total,
      }).toEqual({ overdue: 2, dueSoon: 1, onTrack: 2, total: 5 });
      expect(after.queue.overdue + after.queue.dueSoon + after.queue.onTrack).toBe(after.queue.total);
      expect(after.claims.length - before.claims.length).toBe(1);
      expect(after.decidedToday - before.decidedToday).toBe(1);
      const nav = await getNavCounts(tx, { userId: users.analyst.id, roles: ["analyst"], canVote: false, canReview: true });
      expect(nav.openReviewItems).toBe(after.queue.total);
    });
  });
});

describe("the scientist's and the admin's homes", () => {
  it("lists the scientist's versions by status with the failed gates of the latest run", async () => {
    const [run] =
      await db.$client`insert into validation_runs (model_version_id, status, finished_at) values (${ids.other}, 'failed', now()) returning id`;
    await db.$client`insert into gate_results (validation_run_id, gate, passed, reason) values
      (${run.id}, 'performance_roc_auc', false, 'low'), (${run.id}, 'calibration_error', false, 'high'), (${run.id}, 'smoke_inference', true, 'ok')`;
    const { versions, byStatus } = await listMyVersions(db, users.scientist.id);
    const failed = versions.find((version) => version.modelSlug === "home-portfolio" && version.version === "2.1.0");
    expect(failed).toMatchObject({ status: "validation_failed", failedGates: ["calibration_error", "performance_roc_auc"] });
    const [expected] =
      await db.$client`select count(*)::int as n from model_versions where registered_by = ${users.scientist.id} and status = 'validation_failed'`;
    expect(byStatus.validation_failed).toBe(expected.n);
    expect((await listMyVersions(db, users.executive.id)).versions).toEqual([]);
  });

  it("counts users without a role and active keys, and lists policy changes", async () => {
    await inSnapshot(async (tx) => {
      const before = await getAdminHome(tx);
      await tx.execute(sql`insert into users (email, name, roles) values ('new-sso@oversight.test', 'New Person', '{}')`);
      const after = await getAdminHome(tx);
      expect(after.users.withoutRole - before.users.withoutRole).toBe(1);
      expect(after.users.total - before.users.total).toBe(1);
    });
  });
});

describe("listModelPortfolio", () => {
  it("takes the latest daily figures, the champion's row first and the lowest DI over attributes, with open items and pending approvals", async () => {
    const insert = (version: string, day: string, kind: string, statistic: string, value: number, group = "", status = "ok") =>
      db.$client`insert into monitor_results (model_id, model_version_id, kind, granularity, window_start, window_end, feature, group_name, statistic, value, status)
        values (${ids.model}, ${version}, ${kind}, 'day', ${`${day}T00:00:00Z`}, ${`${day}T00:00:00Z`}::timestamptz + interval '1 day', '', ${group}, ${statistic}, ${value}, ${status})`;
    await insert(ids.champion, "2026-11-01", "drift", "drifted_share", 0.5, "", "breach");
    await insert(ids.champion, "2026-11-02", "drift", "drifted_share", 0.2);
    await insert(ids.candidate, "2026-11-02", "drift", "drifted_share", 0.9, "", "breach");
    await insert(ids.champion, "2026-11-02", "fairness", "disparate_impact", 0.91, "sex");
    await insert(ids.champion, "2026-11-02", "fairness", "disparate_impact", 0.78, "age_band", "breach");
    await insert(ids.champion, "2026-11-02", "performance", "roc_auc", 0.81);
    await insert(ids.champion, "2026-11-02", "performance", "estimated_roc_auc", 0.79);
    await db.$client`insert into alerts (model_id, severity, title, message) values (${ids.model}, 'warning', 'Drift', 'x'), (${ids.model}, 'critical', 'Drift', 'y')`;
    const [row] = (await listModelPortfolio(db)).filter((model) => model.slug === "home-portfolio");
    expect(row).toMatchObject({
      championVersion: "1.0.0",
      deploymentMode: "off",
      drift: { value: 0.2, status: "ok", day: "2026-11-02" },
      disparateImpact: { value: 0.78, status: "breach" },
      realizedRocAuc: { value: 0.81 },
      estimatedRocAuc: { value: 0.79 },
      openAlerts: 2,
      pendingApprovals: 1,
      predictionsLast24h: 0,
    });
  });
});

describe("moveDeployment follows the tier's rollout rule", () => {
  it("refuses to promote a high-risk version straight from approved, and allows shadow → canary → promote", async () => {
    const version = await addVersion("3.0.0", "approved", users.scientist.id);
    const committee = { id: users.committee.id, label: "committee@oversight.test", roles: ["committee"] as const };
    const move = (action: "promote" | "start_shadow" | "start_canary", canaryPercent?: number) =>
      moveDeployment(db, { model: { id: ids.model }, actor: committee, action, versionId: version, canaryPercent });
    await expect(move("promote")).rejects.toMatchObject({ code: "stage_required", status: 409 });
    await expect(move("start_canary", 10)).rejects.toMatchObject({ code: "stage_required" });
    const [audit] = await db.$client`select count(*)::int as n from audit_records where subject_id = ${version}`;
    expect(audit.n).toBe(0);
    await move("start_shadow");
    await expect(move("promote")).rejects.toMatchObject({ code: "stage_required" });
    await move("start_canary", 10);
    await move("promote");
    const [deployment] = await db.$client`select champion_version_id from deployments where model_id = ${ids.model}`;
    expect(deployment.champion_version_id).toBe(version);
  });
});

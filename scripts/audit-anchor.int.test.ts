// Tampering with the audit trail as the database's owner would, then the real `audit verify` CLI
// (a child process) against the anchors the worker's job wrote. Each case first shows that the hash
// chain alone still verifies after the tampering — only the anchor check catches it.
//
// The file makes its own database: tampering must not leak into the shared one other files use.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyBaseLogger } from "fastify";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { appendAuditRecord } from "@/db/audit";
import { closeDatabase, createDatabase, type TDatabase } from "@/db/connection";
import { dropDatabase, ensureDatabase, withDatabaseName } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { listAuditChain } from "@/db/queries/audit";
import { parseAuditAnchorLines } from "@/lib/audit/anchor";
import { computeAuditHash, verifyChain } from "@/lib/audit/hash-chain";
import { startAuditAnchoring, writeAuditAnchor } from "@/workers/jobs/audit-anchor";

const root = fileURLToPath(new URL("..", import.meta.url));
const KEY = "test-audit-anchor-key-0123456789abcdef";

let db: TDatabase;
let databaseUrl = "";
let drop: () => Promise<void> = async () => {};
let dir = "";
let anchorFile = "";

type TVerifyJson = {
  ok: boolean;
  anchors: { ok: boolean; problem?: string; sequence?: number; recordId?: string | null; reason?: string; missing?: string };
};

function verify(env: Record<string, string> = {}): Promise<{ code: number; json: TVerifyJson }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/cli.ts", "audit", "verify", "--json"],
      { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl, AUDIT_ANCHOR_KEY: KEY, AUDIT_ANCHOR_FILE: anchorFile, ...env } },
      (error, stdout, stderr) => {
        try {
          resolve({ code: error ? Number(error.code ?? 1) : 0, json: JSON.parse(stdout) as TVerifyJson });
        } catch {
          reject(new Error(`audit verify printed no JSON: ${stdout} ${stderr}`));
        }
      },
    );
  });
}

async function appendRecords(count: number) {
  for (let index = 0; index < count; index += 1) {
    await db.transaction((tx) =>
      appendAuditRecord(tx, { actorId: null, actorLabel: "tester", action: "test.step", subjectType: "test", input: { step: index } }),
    );
  }
}

/** The chain as it now stands verifies link by link: what the anchors are needed for. */
async function expectChainAloneStillValid() {
  expect(verifyChain(await listAuditChain(db))).toMatchObject({ ok: true });
}

beforeAll(async () => {
  const adminUrl = inject("databaseUrl");
  const name = `oversight_anchor_${Date.now().toString(36)}_${process.pid}`;
  await ensureDatabase(adminUrl, name);
  databaseUrl = withDatabaseName(adminUrl, name);
  drop = () => dropDatabase(adminUrl, name);
  db = createDatabase(databaseUrl, { maxConnections: 2 });
  await runMigrations(db);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "oversight-anchor-"));
});

afterAll(async () => {
  await closeDatabase(db);
  await drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  // A fresh trail of 10 records, anchored after the 5th and after the 10th.
  await db.$client.begin(async (sql) => {
    await sql`alter table audit_records disable trigger user`;
    await sql`truncate audit_records`;
    await sql`alter table audit_records enable trigger user`;
  });
  anchorFile = path.join(dir, `anchors-${Date.now()}.log`);
  await appendRecords(5);
  await writeAuditAnchor(db, { key: KEY, file: anchorFile });
  await appendRecords(5);
  await writeAuditAnchor(db, { key: KEY, file: anchorFile });
});

describe("audit verify against signed anchors", () => {
  it("passes on an untouched trail, also with records appended after the last anchor", async () => {
    await appendRecords(2);
    expect(await verify()).toMatchObject({ code: 0, json: { ok: true, anchors: { ok: true, anchorsChecked: 2 } } });
  });

  it("detects deleting the newest records (triggers disabled by the owner)", async () => {
    await db.$client.begin(async (sql) => {
      await sql`alter table audit_records disable trigger audit_records_append_only`;
      await sql`delete from audit_records where sequence > 7`;
      await sql`alter table audit_records enable trigger audit_records_append_only`;
    });
    await expectChainAloneStillValid();
    const { code, json } = await verify();
    expect(code).toBe(1);
    expect(json.anchors).toMatchObject({ ok: false, problem: "records_missing", sequence: 8 });
    expect(json.anchors.reason).toContain("records 8–10 were removed");
  });

  it("detects rewriting a record and re-hashing the rest with the repo's own function", async () => {
    const records = await listAuditChain(db);
    const forged = records.map((record) => ({ ...record }));
    forged[3].actorLabel = "someone else";
    for (const [index, record] of forged.entries()) {
      if (index < 3) continue;
      record.previousHash = forged[index - 1].hash;
      record.hash = computeAuditHash({ previousHash: record.previousHash, record });
    }
    await db.$client.begin(async (sql) => {
      await sql`alter table audit_records disable trigger audit_records_append_only`;
      for (const record of forged.slice(3)) {
        await sql`update audit_records set actor_label = ${record.actorLabel}, previous_hash = ${record.previousHash}, hash = ${record.hash} where id = ${record.id}`;
      }
      await sql`alter table audit_records enable trigger audit_records_append_only`;
    });
    await expectChainAloneStillValid();
    const { code, json } = await verify();
    expect(code).toBe(1);
    // Record 4 changed; the first anchor at or after it is the one on record 5.
    expect(json.anchors).toMatchObject({ ok: false, problem: "hash_differs", sequence: 5, recordId: records[4].id });
  });

  it("detects replacing the tail through session_replication_role = replica (the trigger bypass)", async () => {
    // The trigger holds against an ordinary delete…
    await expect(db.$client`delete from audit_records where sequence = 10`).rejects.toThrow(/append-only/);
    // …but not against a superuser who turns triggers off for the session.
    const records = await listAuditChain(db);
    await db.$client.begin(async (sql) => {
      await sql`set local session_replication_role = replica`;
      await sql`delete from audit_records where sequence >= 9`;
    });
    let previousHash = records[7].hash;
    for (const original of records.slice(8)) {
      const content = { ...original, actorLabel: "forger", input: { step: "forged" } };
      const hash = computeAuditHash({ previousHash, record: content });
      await db.$client.begin(async (sql) => {
        await sql`set local session_replication_role = replica`;
        await sql`insert into audit_records (id, sequence, occurred_at, actor_label, action, subject_type, input, previous_hash, hash)
          values (${original.id}, ${content.sequence}, ${new Date(content.occurredAt).toISOString()}, ${content.actorLabel}, ${content.action}, ${content.subjectType},
            ${JSON.stringify(content.input)}::jsonb, ${previousHash}, ${hash})`;
      });
      previousHash = hash;
    }
    await expectChainAloneStillValid();
    const { code, json } = await verify();
    expect(code).toBe(1);
    expect(json.anchors).toMatchObject({ ok: false, problem: "hash_differs", sequence: 10, recordId: records[9].id });
  });

  it("refuses an anchor file edited to match, and a missing one", async () => {
    const lines = fs.readFileSync(anchorFile, "utf8").trim().split("\n");
    const edited = JSON.parse(lines[1]) as { sequence: number };
    edited.sequence = 7;
    fs.writeFileSync(anchorFile, `${lines[0]}\n${JSON.stringify(edited)}\n`);
    expect(await verify()).toMatchObject({ code: 1, json: { anchors: { ok: false, problem: "bad_signature" } } });
    expect(await verify({ AUDIT_ANCHOR_FILE: path.join(dir, "absent.log") })).toMatchObject({
      code: 1,
      json: { anchors: { ok: false, missing: expect.stringContaining("no anchor file") } },
    });
  });
});

describe("the worker's anchoring job", () => {
  it("anchors at start, skips an unchanged head, and anchors again at shutdown; each anchor is also logged", async () => {
    const file = path.join(dir, "worker-anchors.log");
    const info = vi.fn();
    const log = { info, error: vi.fn() } as unknown as FastifyBaseLogger;
    const anchoring = startAuditAnchoring({ db, log, key: KEY, file, intervalMs: 60_000 });
    await vi.waitFor(() => expect(info).toHaveBeenCalledTimes(1));
    await appendRecords(1);
    await anchoring.stop();
    // A second pass with nothing new writes nothing.
    await anchoring.stop();
    const { anchors } = parseAuditAnchorLines(fs.readFileSync(file, "utf8"));
    expect(anchors.map(({ anchor }) => anchor.sequence)).toEqual([10, 11]);
    expect(info).toHaveBeenCalledWith({ auditAnchor: anchors[1].anchor }, "audit chain anchored");
  });
});

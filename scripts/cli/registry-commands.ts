import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { callApi, CliError, readFileOrThrow, readJsonOrThrow } from "./http";

type TModelRow = {
  slug: string;
  displayName: string;
  riskTier: string;
  championVersion: string | null;
  latestVersion: string | null;
  versionCount: number;
};

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** `models list|create`, `versions register`, `card export`: the registry through the REST API. */
export function registerRegistryCommands(program: Command): void {
  const models = program.command("models").description("List and create models");
  models
    .command("list")
    .description("List models with their champion and latest version")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const { body } = await callApi("/api/v1/models");
      const rows = (body as { models: TModelRow[] }).models;
      if (options.json) return console.log(JSON.stringify(rows, null, 2));
      if (rows.length === 0) return console.log("No models.");
      console.log(
        table([
          ["MODEL", "NAME", "RISK", "CHAMPION", "LATEST", "VERSIONS"],
          ...rows.map((row) => [
            row.slug,
            row.displayName,
            row.riskTier,
            row.championVersion ?? "-",
            row.latestVersion ?? "-",
            String(row.versionCount),
          ]),
        ]),
      );
    });
  models
    .command("create")
    .description("Create a model")
    .requiredOption("--slug <slug>", "URL-safe name, e.g. fraud-score")
    .requiredOption("--name <displayName>", "display name")
    .requiredOption("--risk-tier <tier>", "low, medium or high")
    .option("--description <text>", "what it predicts", "")
    .option("--use-case <text>", "business use case", "")
    .option("--kpi <text>", "business KPI it serves", "")
    .option("--owner <email>", "the owner's email, an Oversight user (default: the API key's user, if any)")
    .option("--json", "print JSON")
    .action(
      async (options: {
        slug: string;
        name: string;
        riskTier: string;
        description: string;
        useCase: string;
        kpi: string;
        owner?: string;
        json?: boolean;
      }) => {
        const { body } = await callApi("/api/v1/models", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            slug: options.slug,
            displayName: options.name,
            riskTier: options.riskTier,
            description: options.description,
            useCase: options.useCase,
            businessKpi: options.kpi,
            owner: options.owner,
          }),
        });
        console.log(options.json ? JSON.stringify(body, null, 2) : `Created model ${(body as { slug: string }).slug}.`);
      },
    );
  models
    .command("edit")
    .description("Change a model's owner or descriptive fields; only the options given change")
    .requiredOption("--model <slug>", "model")
    .option("--owner <email>", "the owner's email, an Oversight user")
    .option("--name <displayName>", "display name")
    .option("--risk-tier <tier>", "low, medium or high")
    .option("--description <text>", "what it predicts")
    .option("--use-case <text>", "business use case")
    .option("--kpi <text>", "business KPI it serves")
    .option("--json", "print JSON")
    .action(
      async (options: {
        model: string;
        owner?: string;
        name?: string;
        riskTier?: string;
        description?: string;
        useCase?: string;
        kpi?: string;
        json?: boolean;
      }) => {
        const { body } = await callApi(`/api/v1/models/${encodeURIComponent(options.model)}`, {
          method: "PATCH",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            owner: options.owner,
            displayName: options.name,
            riskTier: options.riskTier,
            description: options.description,
            useCase: options.useCase,
            businessKpi: options.kpi,
          }),
        });
        const changed = (body as { changed?: string[] }).changed ?? [];
        console.log(
          options.json
            ? JSON.stringify(body, null, 2)
            : changed.length
              ? `Changed ${changed.join(", ")} of ${options.model}.`
              : `Nothing changed on ${options.model}.`,
        );
      },
    );

  program
    .command("versions")
    .description("Model versions")
    .command("register")
    .description("Register a version: the ONNX file is validated by the server and nothing is stored if a check fails")
    .requiredOption("--model <slug>", "model")
    .requiredOption("--version <x.y.z>", "semantic version, greater than the latest")
    .requiredOption("--onnx <file>", "ONNX file")
    .requiredOption(
      "--schema <file>",
      'JSON with inputSchema and outputSchema, e.g. {"inputSchema": {"features": [{"name": "mean radius", "type": "numeric"}]}, ' +
        '"outputSchema": {"probabilityOutput": "probabilities", "positiveLabel": "1", "negativeLabel": "0", "threshold": 0.5, ' +
        '"labelColumn": "target"}}; a model that names its classes (classlabels_ints/_strings) must have positiveLabel among them, ' +
        'one that does not may declare "classLabels": ["0", "1"] in column order',
    )
    .option("--reference <file.csv>", "reference data: a column per schema feature")
    .option(
      "--card <file>",
      "JSON with card text (intendedUse, …) and, each optional, trainingData (datasetName, source, rowCount, timeRangeStart, timeRangeEnd, sha256: leave out what does not apply), hyperparameters, offlineMetrics",
    )
    .option("--json", "print JSON")
    .action(
      async (options: {
        model: string;
        version: string;
        onnx: string;
        schema: string;
        reference?: string;
        card?: string;
        json?: boolean;
      }) => {
        const schema = readJsonOrThrow(options.schema, "--schema");
        const card = options.card ? readJsonOrThrow(options.card, "--card") : {};
        const { card: cardText, trainingData, hyperparameters, offlineMetrics, ...rest } = card as Record<string, unknown>;
        const metadata = {
          version: options.version,
          inputSchema: schema.inputSchema,
          outputSchema: schema.outputSchema,
          trainingData,
          hyperparameters,
          offlineMetrics,
          // A card file may hold the text at its top level or under "card".
          card: cardText ?? rest,
        };
        const form = new FormData();
        form.set("metadata", JSON.stringify(metadata));
        form.set("onnx", new Blob([new Uint8Array(readFileOrThrow(options.onnx, "--onnx"))]), path.basename(options.onnx));
        if (options.reference)
          form.set(
            "reference",
            new Blob([new Uint8Array(readFileOrThrow(options.reference, "--reference"))], { type: "text/csv" }),
            path.basename(options.reference),
          );
        const { body } = await callApi(`/api/v1/models/${encodeURIComponent(options.model)}/versions`, { method: "POST", body: form });
        const created = body as { version: string; status: string; artifactSha256: string; referenceRows: number };
        console.log(
          options.json
            ? JSON.stringify(body, null, 2)
            : `Registered ${options.model} ${created.version} (${created.status}); artifact sha256 ${created.artifactSha256.slice(0, 16)}…, ${created.referenceRows} reference rows.`,
        );
      },
    );

  program
    .command("card")
    .description("Model cards")
    .command("export")
    .description("Export a version's model card")
    .requiredOption("--model <slug>", "model")
    .requiredOption("--version <x.y.z>", "version")
    .option("--format <format>", "md or json", "md")
    .option("--out <file>", "write to this file instead of standard output")
    .action(async (options: { model: string; version: string; format: string; out?: string }) => {
      if (!["md", "json"].includes(options.format)) throw new CliError("--format must be md or json", 2);
      const { text } = await callApi(
        `/api/v1/models/${encodeURIComponent(options.model)}/versions/${encodeURIComponent(options.version)}/card?format=${options.format}`,
      );
      if (options.out) {
        fs.writeFileSync(options.out, text);
        console.error(`Wrote ${options.out}`);
      } else process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    });
}

/** `export labelled`: labelled predictions (outcomes and review decisions) as CSV, for retraining. */
export function registerExportCommands(program: Command): void {
  program
    .command("export")
    .description("Exports")
    .command("labelled")
    .description("Labelled predictions of a model as CSV (features, model answer, true label and its source)")
    .requiredOption("--model <slug>", "model")
    .option("--version <x.y.z>", "only this version")
    .option("--from <date>", "from this day (UTC, inclusive)")
    .option("--to <date>", "to this day (UTC, inclusive)")
    .option("--out <file>", "write to this file instead of standard output")
    .action(async (options: { model: string; version?: string; from?: string; to?: string; out?: string }) => {
      const query = new URLSearchParams(
        Object.entries({ version: options.version, from: options.from, to: options.to }).filter((entry): entry is [string, string] =>
          Boolean(entry[1]),
        ),
      );
      const { text } = await callApi(`/api/v1/models/${encodeURIComponent(options.model)}/labelled?${query}`);
      if (options.out) {
        fs.writeFileSync(options.out, text);
        console.error(`Wrote ${options.out} (${Math.max(0, text.trim().split("\n").length - 1)} rows)`);
      } else process.stdout.write(text);
    });
}

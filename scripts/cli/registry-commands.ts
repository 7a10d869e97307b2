import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import Papa from "papaparse";
import { isModelCardToolkitJson, registrationFieldsFromModelCardToolkit } from "@/lib/model-card/from-mct";
import { readOnnxClassLabels } from "@/lib/onnx/class-labels";
import { readOnnxSignature } from "@/lib/onnx/signature";
import { proposeSchema } from "@/lib/registry/infer-schema";
import { callApi, CliError, readFileOrThrow, readJsonOrThrow } from "./http";

type TModelRow = {
  slug: string;
  displayName: string;
  riskTier: string;
  championVersion: string | null;
  latestVersion: string | null;
  versionCount: number;
};

type TRegisterOptions = {
  model: string;
  version: string;
  onnx: string;
  reference?: string;
  labelColumn?: string;
  positiveClass?: string;
  sensitive: string[];
  context: string[];
  threshold: string;
  schema?: string;
  saveSchema?: string;
  card?: string;
  wait?: boolean;
  timeout: string;
  json?: boolean;
};

type TShownVersion = {
  version: string;
  status: string;
  gates: Array<{ name: string; status: string; value: number | null; threshold: number | null; reason: string }>;
};

const collect = (value: string, previous: string[]) => [...previous, value];

const REGISTER_FILES_HELP = `
FILES
  --onnx: a binary classifier with one float32 input [batch, features], or one named input per feature ([batch, 1],
    as skl2onnx exports a ColumnTransformer pipeline; float32, float64, int64, bool or string), whose outputs are P(positive) as [N] or [N, 1],
    or scikit-learn's layout: a label [N] and probabilities [N, 2] (column k is P(class k)). skl2onnx's default ZipMap
    output (a sequence of maps) is removed at registration: its input tensor is served under its name, and the card
    records the change and the uploaded file's sha256.
  --reference: CSV with a header; one column per feature (names as the data has them, e.g. "mean radius"), the label
    column and any context columns (sensitive attributes, ids). Without --schema, every column except the label,
    --sensitive and --context is a model input, in the CSV's order, and their count must be the model's input width;
    for a model with one input per feature, the columns named like its inputs are the model inputs.
      "mean radius",smoker,sex,target
      12.5,true,F,1
      20.1,false,M,0
  --schema: JSON with inputSchema and outputSchema (what --save-schema writes):
      {"inputSchema": {"features": [
         {"name": "mean radius", "type": "numeric", "min": 0},
         {"name": "smoker", "type": "boolean"},
         {"name": "sex", "type": "categorical", "allowedValues": ["F", "M"], "modelInput": false, "sensitive": true}]},
       "outputSchema": {"probabilityOutput": "probabilities", "classLabels": ["0", "1"], "positiveLabel": "1",
         "negativeLabel": "0", "threshold": 0.5, "labelColumn": "target"}}
    type is numeric, boolean (true/false) or categorical (context, or a string model input); modelInput defaults to true, sensitive to false.
    A model with one input per feature names it on each model input, with its element type (inferred for you):
         {"name": "region", "type": "categorical", "allowedValues": ["north", "south"], "onnxInput": "region", "tensorType": "string"},
         {"name": "age", "type": "numeric", "onnxInput": "age", "tensorType": "int64"}
    a categorical model input needs tensorType string; tensorType is float32 (default), float64, int64, bool or string.
    classLabels are the classes in the probability output's column order; a model that names its classes
    (classlabels_ints/_strings) is read for them, and positiveLabel must be one of them.
  --card: JSON, every field optional:
      {"intendedUse": "Flag aspirates for a second reading", "outOfScopeUses": "", "limitations": "",
       "ethicalConsiderations": "", "caveatsAndRecommendations": "",
       "trainingData": {"datasetName": "wdbc", "source": "UCI", "rowCount": 569},
       "hyperparameters": {"C": 1}, "offlineMetrics": {"rocAuc": 0.99}}
    or a Model Card Toolkit JSON card, as \`card export --format json\` writes it: its use cases, limitations, tradeoffs,
    ethical considerations, training data (name, link or "source: …"), architecture and unsliced metrics are read.

EXIT CODES
  0 registered (with --wait: validated), 1 a gate failed or the server failed, 2 bad input (a file, an option, or a
  refusal of the upload naming the check).`;

/** The schema file given with --schema: JSON with inputSchema and outputSchema. */
function readSchemaFile(file: string): { inputSchema: unknown; outputSchema: unknown } {
  const schema = readJsonOrThrow(file, "--schema");
  if (!schema.inputSchema || !schema.outputSchema) throw new CliError(`--schema: ${file} needs both inputSchema and outputSchema`, 2);
  return { inputSchema: schema.inputSchema, outputSchema: schema.outputSchema };
}

/** Proposes the schema from the ONNX file and the labelled reference CSV (lib/registry/infer-schema), printing what it decided. */
function inferSchema(options: TRegisterOptions, onnx: Uint8Array, referenceText: string | null) {
  if (referenceText === null || !options.labelColumn || !options.positiveClass)
    throw new CliError("Give --schema, or --reference with --label-column and --positive-class to infer the schema.", 2);
  const signature = readOnnxSignature(onnx);
  if (!signature) throw new CliError(`--onnx: ${options.onnx} is not an ONNX model`, 2);
  const threshold = Number(options.threshold);
  if (!(threshold >= 0 && threshold <= 1)) throw new CliError("--threshold must be a probability between 0 and 1", 2);
  const parsed = Papa.parse<Record<string, string>>(referenceText, { header: true, skipEmptyLines: true });
  if (parsed.errors.length > 0)
    throw new CliError(`--reference: the CSV cannot be read (${parsed.errors[0].message} at row ${(parsed.errors[0].row ?? 0) + 2})`, 2);
  const proposal = proposeSchema({
    signature,
    modelClassLabels: readOnnxClassLabels(onnx),
    header: parsed.meta.fields ?? [],
    records: parsed.data,
    labelColumn: options.labelColumn,
    positiveClass: options.positiveClass,
    sensitive: options.sensitive,
    context: options.context,
    threshold,
  });
  const option: Record<string, string> = {
    labelColumn: "--label-column",
    positiveClass: "--positive-class",
    sensitive: "--sensitive",
    reference: "--reference",
    onnx: "--onnx",
  };
  if (!proposal.ok)
    throw new CliError(proposal.errors.map((error) => `${option[error.field] ?? error.field}: ${error.message}`).join("\n"), 2);
  if (!options.json) for (const note of proposal.notes) console.error(`Schema: ${note}`);
  return { inputSchema: proposal.inputSchema, outputSchema: proposal.outputSchema };
}

const WAITING_STATUSES = new Set(["registered", "validating"]);

async function fetchVersion(model: string, version: string) {
  const { body } = await callApi(`/api/v1/models/${encodeURIComponent(model)}/versions/${encodeURIComponent(version)}`);
  return body as TShownVersion & { validationRun: { status: string } | null };
}

async function showVersion(model: string, version: string): Promise<TShownVersion> {
  const shown = await fetchVersion(model, version);
  return { version: shown.version, status: shown.status, gates: shown.gates };
}

/** Polls the version until its validation has finished (it is queued at registration) or the timeout passes. */
async function waitForValidation(model: string, version: string, timeoutSeconds: number): Promise<TShownVersion> {
  const deadline = Date.now() + (Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 ? timeoutSeconds : 600) * 1000;
  for (;;) {
    const fetched = await fetchVersion(model, version);
    const shown = { version: fetched.version, status: fetched.status, gates: fetched.gates };
    // A run that crashed ("error") leaves the version where it was: stop waiting for it too.
    if (!WAITING_STATUSES.has(shown.status) || fetched.validationRun?.status === "error" || Date.now() >= deadline) return shown;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function printVersion(shown: TShownVersion, json: boolean): void {
  if (json) return console.log(JSON.stringify(shown, null, 2));
  console.log(`${shown.version}: ${shown.status}`);
  if (shown.gates.length === 0) return;
  console.log(
    table([
      ["GATE", "STATUS", "VALUE", "THRESHOLD", "REASON"],
      ...shown.gates.map((gate) => [
        gate.name,
        gate.status,
        gate.value === null ? "-" : String(Number(gate.value.toPrecision(6))),
        gate.threshold === null ? "-" : String(gate.threshold),
        gate.reason,
      ]),
    ]),
  );
}

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

/** `models list|create|edit`, `versions register|show`, `card export`: the registry through the REST API. */
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

  const versions = program.command("versions").description("Model versions");
  versions
    .command("register")
    .description(
      "Register a version: the ONNX file is checked by the server and nothing is stored if a check fails. Without --schema, the schema is " +
        "proposed from the ONNX file and the labelled reference CSV (review it with --save-schema)",
    )
    .requiredOption("--model <slug>", "model")
    .requiredOption("--version <x.y.z>", "semantic version, greater than the latest")
    .requiredOption("--onnx <file>", "ONNX file: a binary classifier (see FILES below)")
    .option("--reference <file.csv>", "labelled reference data: a header row, a column per feature and the label column (see FILES)")
    .option("--label-column <column>", "the reference CSV's column holding the true class (needed to infer the schema)")
    .option("--positive-class <label>", "the class whose probability is the score, as the label column writes it, e.g. 1 or malignant")
    .option(
      "--sensitive <column>",
      "a sensitive attribute of the reference CSV: context for fairness, not a model input (repeat for each)",
      collect,
      [],
    )
    .option("--context <column>", "another column that is not a model input, e.g. an id (repeat for each)", collect, [])
    .option("--threshold <p>", "decision threshold on P(positive) when inferring the schema", "0.5")
    .option("--schema <file>", "JSON with inputSchema and outputSchema (see FILES); inferred from --onnx and --reference when absent")
    .option("--save-schema <file>", "write the schema used (inferred or given) to this file, to review or edit it")
    .option("--card <file>", "JSON with the card text and, each optional, trainingData, hyperparameters, offlineMetrics (see FILES)")
    .option("--wait", "wait for the validation: exit 0 when validated, 1 when a gate failed, 2 on bad input")
    .option("--timeout <seconds>", "with --wait, give up after this long (exit 1)", "600")
    .option("--json", 'print {"version", "status", "gates": [{"name", "status", "value", "threshold", "reason"}]}')
    .addHelpText("after", REGISTER_FILES_HELP)
    .action(async (options: TRegisterOptions) => {
      const onnx = new Uint8Array(readFileOrThrow(options.onnx, "--onnx"));
      const referenceText = options.reference ? readFileOrThrow(options.reference, "--reference").toString("utf8") : null;
      const schema = options.schema ? readSchemaFile(options.schema) : inferSchema(options, onnx, referenceText);
      if (options.saveSchema) {
        fs.writeFileSync(options.saveSchema, `${JSON.stringify(schema, null, 2)}\n`);
        console.error(`Wrote the schema to ${options.saveSchema}`);
      }
      const cardFile = options.card ? readJsonOrThrow(options.card, "--card") : {};
      // A Model Card Toolkit card (what `card export --format json` writes) gives the card text and its fields.
      const card = isModelCardToolkitJson(cardFile) ? registrationFieldsFromModelCardToolkit(cardFile) : cardFile;
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
      form.set("onnx", new Blob([onnx]), path.basename(options.onnx));
      if (referenceText !== null && options.reference)
        form.set("reference", new Blob([referenceText], { type: "text/csv" }), path.basename(options.reference));
      const versionPath = `/api/v1/models/${encodeURIComponent(options.model)}/versions`;
      let created: { version: string; status: string; artifactSha256: string; referenceRows: number; changes?: string[] };
      try {
        created = (await callApi(versionPath, { method: "POST", body: form })).body as typeof created;
      } catch (error) {
        // A refusal of what was sent (4xx) is bad input; 5xx and an unreachable server stay 1.
        if (error instanceof CliError && error.status && error.status < 500) throw new CliError(error.message, 2, error.status);
        throw error;
      }
      for (const change of created.changes ?? []) console.error(`Changed at registration: ${change}`);
      if (!options.wait) {
        if (options.json) return console.log(JSON.stringify({ version: created.version, status: created.status, gates: [] }, null, 2));
        return console.log(
          `Registered ${options.model} ${created.version} (${created.status}); artifact sha256 ${created.artifactSha256.slice(0, 16)}…, ${created.referenceRows} reference rows.`,
        );
      }
      if (!options.json) console.error(`Registered ${options.model} ${created.version}; waiting for its validation…`);
      const shown = await waitForValidation(options.model, created.version, Number(options.timeout));
      printVersion(shown, options.json ?? false);
      if (shown.status === "validation_failed") throw new CliError(`${options.model} ${created.version} failed validation.`, 1);
      if (WAITING_STATUSES.has(shown.status))
        throw new CliError(
          `${options.model} ${created.version} is still ${shown.status}: its validation did not finish (or failed to run).`,
          1,
        );
    });
  versions
    .command("show")
    .description("A version's status and the gates of its latest validation")
    .requiredOption("--model <slug>", "model")
    .requiredOption("--version <x.y.z>", "version")
    .option("--json", 'print {"version", "status", "gates": [{"name", "status", "value", "threshold", "reason"}]}')
    .action(async (options: { model: string; version: string; json?: boolean }) => {
      printVersion(await showVersion(options.model, options.version), options.json ?? false);
    });

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

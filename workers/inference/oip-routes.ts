import { v7 as timeOrderedUuid } from "uuid";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { InferenceSession } from "onnxruntime-node";
import { z } from "zod";
import packageJson from "@/package.json" with { type: "json" };
import { planRouting } from "@/lib/inference/routing";
import type { TOutputTensor } from "@/lib/onnx/model-output";
import { encodeInstance, modelInputFeatures, modelInputSpecs, positiveIndexOf } from "@/lib/registry";
import { feedSpecsOrThrow } from "../onnx/score-rows";
import { valuesFromTensorRow, type TEncodedInstance, type TModelOutputs, type TPredictionResult } from "./predict";
import { answerBatchWithOutputs, zodDetails, type TInferenceRouteOptions } from "./route-helpers";
import type { TLoadedVersion, TServedModel } from "./serving-state";

/*
 * Open Inference Protocol (KServe V2, REST; github.com/kserve/open-inference-protocol,
 * specification/protocol/inference_rest.md): server metadata, health, model metadata and readiness,
 * and tensor inference. Every error body is `{"error": "…"}`, whoever wrote it (the JSON parser,
 * the edge normaliser, the API key check or these routes): an onSend hook of this scope rewrites it.
 */

const ZOipBody = z.object({
  id: z.string().max(200).optional(),
  inputs: z
    .array(
      z.object({
        name: z.string(),
        shape: z.array(z.number().int().nonnegative()),
        datatype: z.string(),
        data: z.array(z.unknown()),
      }),
    )
    .min(1, "inputs must hold at least one tensor")
    .max(1000),
  outputs: z
    .array(z.object({ name: z.string().min(1, "name the output") }))
    .max(100)
    .optional(),
});

type TModelRequest = FastifyRequest<{ Params: { name: string; version?: string } }>;

/** A tensor as OIP describes it in metadata. */
type TMetadataTensor = { name: string; datatype: string; shape: number[] };
/** A tensor as OIP returns it in an inference response. */
type TResponseOutput = TMetadataTensor & { data: Array<number | string | boolean> };

// onnxruntime's tensor types → OIP's tensor data types (specification, "Tensor Data Types").
const DATATYPES: Record<string, string> = {
  bool: "BOOL",
  uint8: "UINT8",
  uint16: "UINT16",
  uint32: "UINT32",
  uint64: "UINT64",
  int8: "INT8",
  int16: "INT16",
  int32: "INT32",
  int64: "INT64",
  float16: "FP16",
  float32: "FP32",
  float64: "FP64",
  string: "BYTES",
};
const FLOAT_TYPES = new Set(["float16", "float32", "float64"]);

/** The version a request names, or the champion when it names none; null when it is not loaded here. */
function oipVersion(model: TServedModel, version?: string): TLoadedVersion | null {
  if (!version) return model.champion;
  return [model.champion, model.challenger].find((candidate) => candidate?.version === version) ?? null;
}

/** Every tensor output of a version's model, as the runtime describes it (a symbolic dimension is -1). */
function outputMetadata(session: InferenceSession): Array<TMetadataTensor & { type: string }> {
  return session.outputMetadata.flatMap((output) =>
    output.isTensor
      ? [
          {
            name: output.name,
            type: output.type,
            datatype: DATATYPES[output.type] ?? output.type.toUpperCase(),
            shape: output.shape.map((dimension) => (typeof dimension === "number" && dimension >= 0 ? dimension : -1)),
          },
        ]
      : [],
  );
}

/** A runtime tensor as JSON: int64 as numbers (as strings beyond 2^53), bool as true / false. */
function jsonData(tensor: TOutputTensor): Array<number | string | boolean> {
  return Array.from(tensor.data, (value) =>
    typeof value === "bigint"
      ? Number.isSafeInteger(Number(value))
        ? Number(value)
        : value.toString()
      : tensor.type === "bool"
        ? Boolean(value)
        : value,
  );
}

/** The outputs of the one session.run that answered every row, in the model's order, those asked for only. */
function rawOutputs(run: TModelOutputs, selected: (name: string) => boolean): TResponseOutput[] {
  return outputMetadata(run.version.session)
    .filter((output) => selected(output.name) && run.outputs[output.name])
    .map((output) => {
      const tensor = run.outputs[output.name];
      return { name: output.name, datatype: output.datatype, shape: [...tensor.dims], data: jsonData(tensor) };
    });
}

/**
 * The outputs when no model run answered the rows (the fallback rules, or a retried id whose first
 * answers come back): the probability output in the model's layout from P(positive), and its label
 * output from Oversight's label (which, unlike the model's, follows the declared threshold).
 * Outputs that cannot be derived from those two are left out.
 */
function derivedOutputs(version: TLoadedVersion, results: TPredictionResult[], selected: (name: string) => boolean): TResponseOutput[] {
  const schema = version.outputSchema;
  const positiveIndex = positiveIndexOf(schema);
  const rows = results.length;
  return outputMetadata(version.session).flatMap((output): TResponseOutput[] => {
    if (!selected(output.name)) return [];
    if (output.name === schema.probabilityOutput) {
      const columns = output.shape.length === 2 && output.shape[1] === 2 ? 2 : 1;
      const data = results.flatMap(({ probability }) =>
        columns === 2
          ? positiveIndex === 1
            ? [1 - probability, probability]
            : [probability, 1 - probability]
          : [positiveIndex === 1 ? probability : 1 - probability],
      );
      return [{ name: output.name, datatype: output.datatype, shape: output.shape.length === 1 ? [rows] : [rows, columns], data }];
    }
    if (FLOAT_TYPES.has(output.type) || output.shape.length !== 1) return [];
    if (output.type === "string")
      return [{ name: output.name, datatype: output.datatype, shape: [rows], data: results.map((result) => result.label) }];
    const numeric = results.map((result) => Number(result.label));
    if (!numeric.every(Number.isInteger)) return [];
    return [{ name: output.name, datatype: output.datatype, shape: [rows], data: numeric }];
  });
}

/** An error body of any shape this worker writes, as OIP's `{"error": "…"}`, keeping the fields it names. */
function oipErrorBody(body: unknown): { error: string } {
  if (typeof body !== "object" || body === null) return { error: String(body) };
  const { error, message, errors } = body as { error?: unknown; message?: unknown; errors?: unknown };
  const text = typeof message === "string" ? message : typeof error === "string" ? error : "the request failed";
  const details = Array.isArray(errors)
    ? errors
        .map((detail: { field?: unknown; message?: unknown; instance?: unknown }) =>
          `${typeof detail.instance === "number" ? `row ${detail.instance} ` : ""}${String(detail.field ?? "")}: ${String(detail.message ?? "")}`.trim(),
        )
        .filter((detail) => !text.includes(detail))
    : [];
  return { error: details.length > 0 ? `${text} ${details.join("; ")}` : text };
}

// The OIP data types each ONNX input element type accepts (a float32 input also takes FP64, as before).
const ACCEPTED_DATATYPES: Record<string, string[]> = {
  float32: ["FP32", "FP64"],
  float64: ["FP64", "FP32"],
  int64: ["INT64", "INT32"],
  bool: ["BOOL"],
  string: ["BYTES"],
};

const feedSpecsOf = (version: TLoadedVersion) =>
  version.inputs ?? feedSpecsOrThrow(version.session, { width: version.inputWidth, inputs: modelInputSpecs(version.inputSchema) });

type TOipInput = { name: string; shape: number[]; datatype: string; data: unknown[] };

/**
 * Checks the request's tensors against the version's ONNX inputs (by name, data type, shape and
 * count) and gives each model input's value per row, with where it came from for error messages.
 */
function parseOipInputs(tensors: TOipInput[], version: TLoadedVersion) {
  const problems: string[] = [];
  const specs = feedSpecsOf(version);
  const known = specs.map((input) => input.name);
  tensors.forEach((tensor, index) => {
    if (!known.includes(tensor.name))
      problems.push(
        known.length === 1
          ? `input name must be '${known[0]}', not '${tensor.name}'`
          : `inputs.${index}.name: the model has no input '${tensor.name}' (it has ${known.map((name) => `'${name}'`).join(", ")})`,
      );
    if (tensors.findIndex((other) => other.name === tensor.name) !== index) problems.push(`input '${tensor.name}' is given twice`);
  });
  const columnSource: Array<{ input: string; data: unknown[]; column: number; width: number }> = [];
  let rowsCount = -1;
  for (const spec of specs) {
    const tensor = tensors.find((candidate) => candidate.name === spec.name);
    if (!tensor) {
      if (known.length > 1)
        problems.push(`input '${spec.name}' is missing (the model takes ${known.map((name) => `'${name}'`).join(", ")})`);
      continue;
    }
    const width = spec.columns.length;
    const accepted = ACCEPTED_DATATYPES[spec.type];
    if (!accepted.includes(tensor.datatype))
      problems.push(`input '${tensor.name}': datatype must be ${accepted.join(" or ")}, not ${tensor.datatype}`);
    const shapeOk = (tensor.shape.length === 2 && tensor.shape[1] === width) || (tensor.shape.length === 1 && width === 1);
    if (!shapeOk)
      problems.push(
        known.length === 1
          ? `shape must be [batch, ${width}], not [${tensor.shape.join(", ")}]`
          : `input '${tensor.name}': shape must be [batch, ${width}]${width === 1 ? " or [batch]" : ""}, not [${tensor.shape.join(", ")}]`,
      );
    // Row-major data may come flat or nested by row, as the protocol allows.
    const flat = tensor.data.flat(2);
    const declaredCount = tensor.shape.reduce((product, dimension) => product * dimension, 1);
    if (flat.length !== declaredCount)
      problems.push(
        `${known.length === 1 ? "" : `input '${tensor.name}': `}data holds ${flat.length} values; shape [${tensor.shape.join(", ")}] needs ${declaredCount}`,
      );
    if (spec.type === "string") {
      if (flat.some((value) => typeof value !== "string")) problems.push(`input '${tensor.name}': BYTES data must hold strings only`);
    } else if (spec.type === "bool") {
      if (flat.some((value) => typeof value !== "boolean")) problems.push(`input '${tensor.name}': BOOL data must hold true / false only`);
    } else if (flat.some((value) => typeof value !== "number" || !Number.isFinite(value)))
      problems.push(
        known.length === 1 ? "data must hold finite numbers only" : `input '${tensor.name}': data must hold finite numbers only`,
      );
    const rows = shapeOk ? tensor.shape[0] : 0;
    if (rowsCount >= 0 && rows !== rowsCount) problems.push(`input '${tensor.name}' has ${rows} rows; the other inputs have ${rowsCount}`);
    rowsCount = Math.max(rowsCount, rows);
    spec.columns.forEach((modelColumn, column) => (columnSource[modelColumn] = { input: tensor.name, data: flat, column, width }));
  }
  return {
    problems,
    rowsCount: Math.max(rowsCount, 0),
    valueAt: (row: number, modelColumn: number) => {
      const source = columnSource[modelColumn];
      if (!source) return { input: "?", dataIndex: -1, value: undefined as unknown };
      const dataIndex = row * source.width + source.column;
      return { input: source.input, dataIndex, value: source.data[dataIndex] };
    },
  };
}

/** Open Inference Protocol (KServe V2, REST): server metadata, health, model metadata and readiness, and tensor inference. */
export function registerOipRoutes(app: FastifyInstance, options: TInferenceRouteOptions) {
  void app.register(
    async (scope) => {
      scope.addHook("onSend", async (_request, reply, payload) => {
        if (reply.statusCode < 400 || typeof payload !== "string") return payload;
        try {
          return JSON.stringify(oipErrorBody(JSON.parse(payload)));
        } catch {
          return JSON.stringify({ error: payload });
        }
      });
      scope.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `no route ${request.method} ${request.url}` }));
      registerScope(scope, options);
    },
    { prefix: "/v2" },
  );
}

function registerScope(app: FastifyInstance, options: TInferenceRouteOptions) {
  const { state, authenticate, maxBatchInstances } = options;

  app.get("/", async () => ({ name: "oversight", version: packageJson.version, extensions: [] as string[] }));
  app.get("/health/live", async () => ({ live: true }));
  app.get("/health/ready", async (_request, reply) => {
    const ready = state.list().length > 0;
    return reply.code(ready ? 200 : 503).send({ ready });
  });

  const metadata = async (request: TModelRequest, reply: FastifyReply) => {
    const model = state.get(request.params.name);
    const version = model ? oipVersion(model, request.params.version) : null;
    if (!model || !version)
      return reply.code(404).send({
        error: `model '${request.params.name}'${request.params.version ? ` version '${request.params.version}'` : ""} is not served here`,
      });
    return {
      name: model.slug,
      versions: [model.champion, model.challenger].filter(Boolean).map((loaded) => loaded!.version),
      platform: "onnxruntime_onnx",
      inputs: feedSpecsOf(version).map((input) => ({
        name: input.name,
        datatype: DATATYPES[input.type],
        shape: input.rank === 1 ? [-1] : [-1, input.columns.length],
      })),
      outputs: outputMetadata(version.session).map(({ name, datatype, shape }) => ({ name, datatype, shape })),
    };
  };
  const readiness = async (request: TModelRequest, reply: FastifyReply) => {
    const model = state.get(request.params.name);
    const ready = Boolean(model && oipVersion(model, request.params.version));
    return reply.code(ready ? 200 : 404).send({ name: request.params.name, ready });
  };
  app.get("/models/:name", metadata);
  app.get("/models/:name/versions/:version", metadata);
  app.get("/models/:name/ready", readiness);
  app.get("/models/:name/versions/:version/ready", readiness);

  const infer = async (request: TModelRequest, reply: FastifyReply) => {
    const receivedAt = performance.now();
    const model = state.get(request.params.name);
    if (!model) return reply.code(404).send({ error: `model '${request.params.name}' is not served here` });
    const caller = await authenticate(request, reply, "predictions.create", model.modelId);
    if (!caller) return reply;
    const explicit = request.params.version ? oipVersion(model, request.params.version) : null;
    if (request.params.version && !explicit)
      return reply.code(404).send({ error: `version '${request.params.version}' of '${model.slug}' is not deployed` });
    const body = ZOipBody.safeParse(request.body);
    if (!body.success)
      return reply.code(400).send({
        error: zodDetails(body.error)
          .map((detail) => `${detail.field}: ${detail.message}`)
          .join("; "),
      });
    // An explicit version is served as-is; otherwise the deployment's routing decides, once for the
    // whole request (by its id), so every row is answered by the version model_version names.
    const routed: TServedModel = explicit
      ? { ...model, mode: "off", killSwitch: model.killSwitch, champion: explicit, challenger: null }
      : model;
    const baseId = body.data.id ?? timeOrderedUuid();
    const plan = planRouting(
      {
        mode: routed.mode,
        canaryPercent: routed.canaryPercent,
        killSwitch: routed.killSwitch,
        hasChampion: routed.champion !== null,
        hasChallenger: routed.challenger !== null,
      },
      baseId,
    );
    const answering = plan.answeredBy === "challenger" ? routed.challenger : routed.champion;
    // The version whose signature the request must match: the one answering, else (fallback) the one deployed.
    const reference = answering ?? routed.champion ?? routed.challenger;
    if (!reference) return reply.code(503).send({ error: `model '${model.slug}' has no loaded version` });

    const parsed = parseOipInputs(body.data.inputs, reference);
    const problems = parsed.problems;
    const rowsCount = parsed.rowsCount;
    if (rowsCount > maxBatchInstances) return reply.code(413).send({ error: `at most ${maxBatchInstances} rows per request` });
    if (problems.length === 0 && rowsCount === 0) problems.push("the batch is empty");

    const available = outputMetadata(reference.session).map((output) => output.name);
    const requested = body.data.outputs?.map((output) => output.name);
    requested?.forEach((name, index) => {
      if (!available.includes(name))
        problems.push(
          `outputs.${index}.name: the model has no output '${name}' (it has ${available.map((known) => `'${known}'`).join(", ")})`,
        );
    });
    if (problems.length > 0) return reply.code(400).send({ error: problems.join("; ") });
    const selected = (name: string) => !requested || requested.includes(name);

    // The same feature schema as the feature-JSON route: ranges, categories, booleans as 0 / 1, float32 / int64.
    const features = modelInputFeatures(reference.inputSchema);
    const errors: Array<{ instance: number; field: string; message: string }> = [];
    const instances: TEncodedInstance[] = [];
    for (let rowIndex = 0; rowIndex < rowsCount; rowIndex += 1) {
      const instance = Object.fromEntries(
        features.map((feature, column) => {
          const value = parsed.valueAt(rowIndex, column).value;
          return [feature.name, feature.type === "boolean" && (value === 0 || value === 1) ? value === 1 : value];
        }),
      );
      const encoded = encodeInstance({ schema: { features }, instance });
      if (encoded.ok) {
        instances.push({
          tensorRow: encoded.tensorRow,
          inputRow: encoded.inputRow,
          values: valuesFromTensorRow(model, encoded.inputRow),
          attributes: encoded.attributes,
        });
        continue;
      }
      for (const error of encoded.errors) {
        const { input, dataIndex } = parsed.valueAt(
          rowIndex,
          features.findIndex((feature) => feature.name === error.field),
        );
        errors.push({ instance: rowIndex, field: error.field, message: `${error.message} (input '${input}', data[${dataIndex}])` });
      }
    }
    if (errors.length > 0)
      return reply.code(422).send({
        error: "invalid_input",
        message: `${errors.length} value(s) are not valid for the model's features; nothing was recorded.`,
        errors,
      });
    const rows = instances;
    const requestIds = rows.map((_, index) => (rowsCount > 1 ? `${baseId}:${index}` : baseId));
    const { results, modelOutputs, replayed } = await answerBatchWithOutputs(options, {
      model: routed,
      instances,
      requestIds,
      routingIds: rows.map(() => baseId),
      requestIdsGenerated: body.data.id === undefined,
      apiKeyId: caller.apiKeyId,
      receivedAt,
    });
    const run = modelOutputs.length === 1 && modelOutputs[0].indexes.length === rowsCount && !replayed ? modelOutputs[0] : null;
    const answeredBy = results[0]?.role === "challenger" ? routed.challenger : results[0]?.role === "champion" ? routed.champion : null;
    const outputs = run ? rawOutputs(run, selected) : derivedOutputs(answeredBy ?? reference, results, selected);
    return {
      model_name: model.slug,
      model_version: results[0]?.modelVersion ?? "fallback",
      id: baseId,
      outputs,
      parameters: {
        prediction_ids: results.map((result) => result.predictionId),
        roles: results.map((result) => result.role),
        // Oversight's reading: P(positive) and the label by the declared threshold, whatever the layout.
        positive_probabilities: results.map((result) => result.probability),
        labels: results.map((result) => result.label),
      },
    };
  };
  app.post("/models/:name/infer", infer);
  app.post("/models/:name/versions/:version/infer", infer);
}

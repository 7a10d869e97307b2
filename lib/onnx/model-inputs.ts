/*
 * The feeds of one session.run, built from rows of model inputs (numbers, and strings for string
 * tensors) and the ONNX inputs they fill: one float tensor [N, width] for a model with one input,
 * or one tensor per input (skl2onnx's ColumnTransformer: [N, 1] per feature, float / double /
 * int64 / string). Pure: the worker and the app wrap the result in onnxruntime Tensors.
 */

type TFeedType = "float32" | "float64" | "int64" | "bool" | "string";

/** One ONNX input and the columns of the row that fill it, in order; rank 1 feeds [N] (one column only). */
export type TFeedSpec = { name: string; type: TFeedType; columns: readonly number[]; rank: 1 | 2 };

export type TFeed = {
  name: string;
  type: TFeedType;
  data: Float32Array | Float64Array | BigInt64Array | Uint8Array | string[];
  dims: number[];
};

/** The feeds for `rows`; throws (naming the input and row) when a value does not fit its tensor type. */
export function buildFeeds(specs: readonly TFeedSpec[], rows: ReadonlyArray<ReadonlyArray<number | string>>): TFeed[] {
  return specs.map((spec) => {
    const width = spec.columns.length;
    if (spec.rank === 1 && width !== 1) throw new Error(`input '${spec.name}' is [N] but ${width} features feed it`);
    const size = rows.length * width;
    const dims = spec.rank === 1 ? [rows.length] : [rows.length, width];
    const at = (row: number, column: number) => rows[row][spec.columns[column]];
    const number = (row: number, column: number) => {
      const value = at(row, column);
      if (typeof value !== "number") throw new Error(`input '${spec.name}', row ${row}: expected a number, got ${JSON.stringify(value)}`);
      return value;
    };
    if (spec.type === "string") {
      const data: string[] = new Array(size);
      for (let row = 0; row < rows.length; row += 1)
        for (let column = 0; column < width; column += 1) {
          const value = at(row, column);
          if (typeof value !== "string")
            throw new Error(`input '${spec.name}', row ${row}: expected a string, got ${JSON.stringify(value)}`);
          data[row * width + column] = value;
        }
      return { name: spec.name, type: spec.type, data, dims };
    }
    if (spec.type === "int64") {
      const data = new BigInt64Array(size);
      for (let row = 0; row < rows.length; row += 1)
        for (let column = 0; column < width; column += 1) {
          const value = number(row, column);
          if (!Number.isSafeInteger(value)) throw new Error(`input '${spec.name}', row ${row}: ${value} is not an integer`);
          data[row * width + column] = BigInt(value);
        }
      return { name: spec.name, type: spec.type, data, dims };
    }
    if (spec.type === "bool") {
      const data = new Uint8Array(size);
      for (let row = 0; row < rows.length; row += 1)
        for (let column = 0; column < width; column += 1) data[row * width + column] = number(row, column) ? 1 : 0;
      return { name: spec.name, type: spec.type, data, dims };
    }
    const data = spec.type === "float64" ? new Float64Array(size) : new Float32Array(size);
    for (let row = 0; row < rows.length; row += 1)
      for (let column = 0; column < width; column += 1) data[row * width + column] = number(row, column);
    return { name: spec.name, type: spec.type, data, dims };
  });
}

/** An ONNX input as onnxruntime describes it (InferenceSession.inputMetadata). */
export type TInputMetadata = {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  readonly shape?: ReadonlyArray<number | string>;
};

/** The schema's side: an ONNX input (null: the model's only one), its element type and its columns. */
export type TDeclaredInput = { name: string | null; type: TFeedType; columns: readonly number[] };

/** A mismatch, with the registration check it fails ("inputs", "input type" or "input width"). */
type TFeedProblem = { check: "inputs" | "input type" | "input width"; message: string };
export type TFeedResolution = { ok: true; specs: TFeedSpec[] } | { ok: false; problems: TFeedProblem[] };

/**
 * Matches the schema's inputs with the model's: every model input fed, by name, with its element
 * type, as [N, width] (or [N] for one column); a fixed width must equal the number of features.
 */
export function resolveFeedSpecs(metadata: readonly TInputMetadata[], declared: readonly TDeclaredInput[]): TFeedResolution {
  const problems: TFeedProblem[] = [];
  const specs: TFeedSpec[] = [];
  const legacy = declared.length === 1 && declared[0].name === null;
  if (legacy && metadata.length !== 1)
    return {
      ok: false,
      problems: [
        {
          check: "inputs",
          message:
            `the model has ${metadata.length} inputs (${metadata.map((input) => `'${input.name}'`).join(", ")}) but the schema feeds one: ` +
            "name each feature's ONNX input (onnxInput) and tensorType",
        },
      ],
    };
  for (const input of declared) {
    const meta = legacy ? metadata[0] : metadata.find((candidate) => candidate.name === input.name);
    if (!meta) {
      problems.push({
        check: "inputs",
        message: `the model has no input '${input.name}' (it has ${metadata.map((candidate) => `'${candidate.name}'`).join(", ")})`,
      });
      continue;
    }
    if (!meta.isTensor) {
      problems.push({ check: "input type", message: `input '${meta.name}' is not a tensor` });
      continue;
    }
    if (meta.type !== undefined && meta.type !== input.type) {
      problems.push({
        check: "input type",
        message: legacy
          ? `input '${meta.name}' must be a ${input.type} tensor, not ${meta.type}`
          : `input '${meta.name}' is a ${meta.type} tensor but the schema feeds it ${input.type} (tensorType)`,
      });
      continue;
    }
    const shape = meta.shape ?? [];
    const width = input.columns.length;
    const fixedWidth = shape[1];
    if (shape.length === 1 && width === 1) specs.push({ name: meta.name, type: input.type, columns: input.columns, rank: 1 });
    else if (shape.length === 2 && (typeof fixedWidth !== "number" || fixedWidth === width))
      specs.push({ name: meta.name, type: input.type, columns: input.columns, rank: 2 });
    else
      problems.push({
        check: "input width",
        message: legacy
          ? `input '${meta.name}' has shape [${shape.join(", ")}] but the schema declares ${width} model inputs`
          : `input '${meta.name}' has shape [${shape.join(", ")}] but the schema feeds it ${width} feature${width === 1 ? "" : "s"} ([batch, ${width}])`,
      });
  }
  // An input the schema names but cannot feed already has its problem; one it never names gets this one.
  const named = new Set(legacy ? metadata.map((meta) => meta.name) : declared.map((input) => input.name));
  for (const meta of metadata)
    if (!named.has(meta.name))
      problems.push({ check: "inputs", message: `the model's input '${meta.name}' is fed by no feature of the schema` });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, specs };
}

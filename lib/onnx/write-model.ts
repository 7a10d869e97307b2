import protobuf from "protobufjs";

/**
 * The part of onnx.proto (ONNX IR version 8) needed to write small models, declared with
 * protobufjs's reflection API. Field numbers are those of onnx/onnx.proto.
 */
const root = protobuf.Root.fromJSON({
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: "int64", id: 1 },
            opsetImport: { rule: "repeated", type: "OperatorSetIdProto", id: 8 },
            producerName: { type: "string", id: 2 },
            producerVersion: { type: "string", id: 3 },
            domain: { type: "string", id: 4 },
            modelVersion: { type: "int64", id: 5 },
            docString: { type: "string", id: 6 },
            graph: { type: "GraphProto", id: 7 },
            metadataProps: { rule: "repeated", type: "StringStringEntryProto", id: 14 },
          },
        },
        OperatorSetIdProto: { fields: { domain: { type: "string", id: 1 }, version: { type: "int64", id: 2 } } },
        StringStringEntryProto: { fields: { key: { type: "string", id: 1 }, value: { type: "string", id: 2 } } },
        GraphProto: {
          fields: {
            node: { rule: "repeated", type: "NodeProto", id: 1 },
            name: { type: "string", id: 2 },
            initializer: { rule: "repeated", type: "TensorProto", id: 5 },
            docString: { type: "string", id: 10 },
            input: { rule: "repeated", type: "ValueInfoProto", id: 11 },
            output: { rule: "repeated", type: "ValueInfoProto", id: 12 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: "repeated", type: "string", id: 1 },
            output: { rule: "repeated", type: "string", id: 2 },
            name: { type: "string", id: 3 },
            opType: { type: "string", id: 4 },
            attribute: { rule: "repeated", type: "AttributeProto", id: 5 },
            domain: { type: "string", id: 7 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: "string", id: 1 },
            f: { type: "float", id: 2 },
            i: { type: "int64", id: 3 },
            s: { type: "bytes", id: 4 },
            floats: { rule: "repeated", type: "float", id: 7 },
            ints: { rule: "repeated", type: "int64", id: 8 },
            strings: { rule: "repeated", type: "bytes", id: 9 },
            type: { type: "int32", id: 20 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: "repeated", type: "int64", id: 1 },
            dataType: { type: "int32", id: 2 },
            name: { type: "string", id: 8 },
            rawData: { type: "bytes", id: 9 },
          },
        },
        ValueInfoProto: { fields: { name: { type: "string", id: 1 }, type: { type: "TypeProto", id: 2 } } },
        TypeProto: {
          fields: { tensorType: { type: "Tensor", id: 1 }, sequenceType: { type: "Sequence", id: 4 }, mapType: { type: "Map", id: 5 } },
          nested: {
            Tensor: { fields: { elemType: { type: "int32", id: 1 }, shape: { type: "TensorShapeProto", id: 2 } } },
            Sequence: { fields: { elemType: { type: "TypeProto", id: 1 } } },
            Map: { fields: { keyType: { type: "int32", id: 1 }, valueType: { type: "TypeProto", id: 2 } } },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: "repeated", type: "Dimension", id: 1 } },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ["dimValue", "dimParam"] } },
              fields: { dimValue: { type: "int64", id: 1 }, dimParam: { type: "string", id: 2 } },
            },
          },
        },
      },
    },
  },
});
const ModelProto = root.lookupType("onnx.ModelProto");

const ONNX_FLOAT = 1;
const ONNX_INT64 = 7;
// AttributeProto.AttributeType values of onnx.proto.
const ATTRIBUTE = { float: 1, int: 2, string: 3, floats: 6, ints: 7, strings: 8 } as const;

/** A node attribute: a plain number is an int (as before); the others say their type. */
type TOnnxAttribute = number | { float: number } | { floats: number[] } | { ints: number[] } | { string: string } | { strings: string[] };
export type TOnnxNode = {
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, TOnnxAttribute>;
  domain?: string;
};
export type TOnnxInitializer = { name: string; dims: number[]; values: number[]; type?: "float32" | "int64" };
/** A graph output: a float32 or int64 tensor, or a sequence of maps int64 → float (what ZipMap produces). */
export type TOnnxOutput =
  { name: string; dims: Array<number | string>; type?: "float32" | "int64" } | { name: string; sequenceOfMaps: true };

function tensor({ name, dims, values, type = "float32" }: TOnnxInitializer) {
  const bytes =
    type === "int64"
      ? new Uint8Array(new BigInt64Array(values.map((value) => BigInt(value))).buffer)
      : new Uint8Array(new Float32Array(values).buffer);
  return { name, dims, dataType: type === "int64" ? ONNX_INT64 : ONNX_FLOAT, rawData: bytes };
}

function valueInfo(name: string, dims: Array<number | string>, elemType = ONNX_FLOAT) {
  return {
    name,
    type: {
      tensorType: { elemType, shape: { dim: dims.map((dim) => (typeof dim === "number" ? { dimValue: dim } : { dimParam: dim })) } },
    },
  };
}

function outputInfo(output: TOnnxOutput) {
  if ("sequenceOfMaps" in output)
    return {
      name: output.name,
      type: { sequenceType: { elemType: { mapType: { keyType: ONNX_INT64, valueType: { tensorType: { elemType: ONNX_FLOAT } } } } } },
    };
  return valueInfo(output.name, output.dims, output.type === "int64" ? ONNX_INT64 : ONNX_FLOAT);
}

function attribute(name: string, value: TOnnxAttribute) {
  const text = (content: string) => new TextEncoder().encode(content);
  if (typeof value === "number") return { name, i: value, type: ATTRIBUTE.int };
  if ("float" in value) return { name, f: value.float, type: ATTRIBUTE.float };
  if ("floats" in value) return { name, floats: value.floats, type: ATTRIBUTE.floats };
  if ("ints" in value) return { name, ints: value.ints, type: ATTRIBUTE.ints };
  if ("string" in value) return { name, s: text(value.string), type: ATTRIBUTE.string };
  return { name, strings: value.strings.map(text), type: ATTRIBUTE.strings };
}

/**
 * Serialises a graph with float32 inputs (opset 13, IR version 8) to ONNX bytes; `mlOpset` adds
 * the ai.onnx.ml domain (TreeEnsembleClassifier, ZipMap, …) at that version.
 */
export function writeOnnxModel(input: {
  graphName: string;
  inputs: Array<{ name: string; dims: Array<number | string> }>;
  outputs: TOnnxOutput[];
  nodes: TOnnxNode[];
  initializers: TOnnxInitializer[];
  metadata?: Record<string, string>;
  mlOpset?: number;
}): Uint8Array {
  const message = ModelProto.fromObject({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 13 }, ...(input.mlOpset ? [{ domain: "ai.onnx.ml", version: input.mlOpset }] : [])],
    producerName: "oversight",
    producerVersion: "1",
    graph: {
      name: input.graphName,
      node: input.nodes.map((node, index) => ({
        name: `${node.opType.toLowerCase()}_${index}`,
        opType: node.opType,
        input: node.inputs,
        output: node.outputs,
        attribute: Object.entries(node.attributes ?? {}).map(([name, value]) => attribute(name, value)),
        ...(node.domain ? { domain: node.domain } : {}),
      })),
      initializer: input.initializers.map(tensor),
      input: input.inputs.map((value) => valueInfo(value.name, value.dims)),
      output: input.outputs.map(outputInfo),
    },
    metadataProps: Object.entries(input.metadata ?? {}).map(([key, value]) => ({ key, value })),
  });
  return ModelProto.encode(message).finish();
}

/**
 * A logistic regression as ONNX: features [batch, width] → optional log-ratio feature
 * (log(x[numerator] / x[denominator]) appended as a last column) → standardise → MatMul → Add →
 * Sigmoid → probability [batch, 1].
 */
export function writeLogisticRegressionOnnx(input: {
  width: number;
  means: number[];
  stds: number[];
  weights: number[];
  bias: number;
  logRatio?: { numeratorIndex: number; denominatorIndex: number };
  metadata?: Record<string, string>;
  inputName?: string;
  outputName?: string;
}): Uint8Array {
  const inputName = input.inputName ?? "features";
  const outputName = input.outputName ?? "probability";
  const nodes: TOnnxNode[] = [];
  const initializers: TOnnxInitializer[] = [];
  let current = inputName;
  if (input.logRatio) {
    initializers.push({ name: "numerator_index", dims: [1], values: [input.logRatio.numeratorIndex], type: "int64" });
    initializers.push({ name: "denominator_index", dims: [1], values: [input.logRatio.denominatorIndex], type: "int64" });
    nodes.push({ opType: "Gather", inputs: [inputName, "numerator_index"], outputs: ["numerator"], attributes: { axis: 1 } });
    nodes.push({ opType: "Gather", inputs: [inputName, "denominator_index"], outputs: ["denominator"], attributes: { axis: 1 } });
    nodes.push({ opType: "Div", inputs: ["numerator", "denominator"], outputs: ["ratio"] });
    nodes.push({ opType: "Log", inputs: ["ratio"], outputs: ["log_ratio"] });
    nodes.push({ opType: "Concat", inputs: [inputName, "log_ratio"], outputs: ["expanded"], attributes: { axis: 1 } });
    current = "expanded";
  }
  const columns = input.means.length;
  initializers.push(
    { name: "means", dims: [columns], values: input.means },
    { name: "stds", dims: [columns], values: input.stds },
    { name: "weights", dims: [columns, 1], values: input.weights },
    { name: "bias", dims: [1], values: [input.bias] },
  );
  nodes.push(
    { opType: "Sub", inputs: [current, "means"], outputs: ["centred"] },
    { opType: "Div", inputs: ["centred", "stds"], outputs: ["standardised"] },
    { opType: "MatMul", inputs: ["standardised", "weights"], outputs: ["logit_raw"] },
    { opType: "Add", inputs: ["logit_raw", "bias"], outputs: ["logit"] },
    { opType: "Sigmoid", inputs: ["logit"], outputs: [outputName] },
  );
  return writeOnnxModel({
    graphName: "logistic_regression",
    inputs: [{ name: inputName, dims: ["batch", input.width] }],
    outputs: [{ name: outputName, dims: ["batch", 1] }],
    nodes,
    initializers,
    metadata: input.metadata,
  });
}

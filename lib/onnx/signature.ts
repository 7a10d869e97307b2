import { firstMessage, firstText, firstVarint, readFields, type TField } from "./wire";

/*
 * A model's inputs and outputs read from the ONNX protobuf (onnx.proto's ValueInfoProto / TypeProto),
 * without onnxruntime, so that the CLI and the browser can propose a schema before uploading.
 * Graph inputs that are initializers (older exporters list weights as inputs) are not inputs.
 */

// TensorProto.DataType, as onnxruntime names the types.
const ELEMENT_TYPES: Record<number, string> = {
  1: "float32",
  2: "uint8",
  3: "int8",
  4: "uint16",
  5: "int16",
  6: "int32",
  7: "int64",
  8: "string",
  9: "bool",
  10: "float16",
  11: "float64",
  12: "uint32",
  13: "uint64",
};

export type TValueSignature = {
  name: string;
  /** A tensor, or a sequence / map (skl2onnx's ZipMap output is a sequence of maps). */
  kind: "tensor" | "sequence" | "map" | "other";
  /** The element type of a tensor, as onnxruntime names it ("float32", "int64", "string", …); null otherwise. */
  type: string | null;
  /** A tensor's dimensions: a number, a symbolic name, or null when unknown; null when the rank is unknown. */
  dims: Array<number | string | null> | null;
};

export type TOnnxSignature = { inputs: TValueSignature[]; outputs: TValueSignature[] };

function valueSignature(valueInfo: TField[]): TValueSignature {
  const name = firstText(valueInfo, 1);
  const type = firstMessage(valueInfo, 2) ?? [];
  const tensor = firstMessage(type, 1);
  if (!tensor) {
    const kind = firstMessage(type, 4) ? "sequence" : firstMessage(type, 5) ? "map" : "other";
    return { name, kind, type: null, dims: null };
  }
  const elementType = firstVarint(tensor, 1);
  const shape = firstMessage(tensor, 2);
  const dims = shape
    ? shape
        .filter((field) => field.id === 1)
        .map((field) => {
          const dimension = readFields(field.bytes);
          return firstVarint(dimension, 1) ?? (firstText(dimension, 2) || null);
        })
    : null;
  return { name, kind: "tensor", type: elementType === null ? null : (ELEMENT_TYPES[elementType] ?? `type ${elementType}`), dims };
}

/** The inputs and outputs of an ONNX model; null when the bytes are not an ONNX model with a graph. */
export function readOnnxSignature(model: Uint8Array): TOnnxSignature | null {
  try {
    const graph = firstMessage(readFields(model), 7);
    if (!graph) return null;
    const initializers = new Set(
      graph.filter((field) => field.id === 5).map((field) => firstText(readFields(field.bytes), 8)), // TensorProto.name
    );
    const values = (id: number) => graph.filter((field) => field.id === id).map((field) => valueSignature(readFields(field.bytes)));
    return { inputs: values(11).filter((input) => !initializers.has(input.name)), outputs: values(12) };
  } catch {
    return null;
  }
}

import protobuf from "protobufjs";

/*
 * onnxruntime-node does not expose node attributes, so the class labels a classifier declares
 * (ai.onnx.ml LinearClassifier's classlabels_ints / classlabels_strings, TreeEnsembleClassifier's
 * and ZipMap's classlabels_int64s / classlabels_strings) are read from the ONNX protobuf itself.
 * Only the fields needed are declared; protobuf decoding skips the rest. Field numbers are onnx.proto's.
 */
const root = protobuf.Root.fromJSON({
  nested: {
    onnx: {
      nested: {
        ModelProto: { fields: { graph: { type: "GraphProto", id: 7 } } },
        GraphProto: { fields: { node: { rule: "repeated", type: "NodeProto", id: 1 } } },
        NodeProto: {
          fields: {
            opType: { type: "string", id: 4 },
            attribute: { rule: "repeated", type: "AttributeProto", id: 5 },
            domain: { type: "string", id: 7 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: "string", id: 1 },
            ints: { rule: "repeated", type: "int64", id: 8 },
            strings: { rule: "repeated", type: "bytes", id: 9 },
          },
        },
      },
    },
  },
});
const ModelProto = root.lookupType("onnx.ModelProto");

type TAttribute = { name: string; ints?: Array<number | { toString(): string }>; strings?: Uint8Array[] };
type TNode = { opType: string; attribute?: TAttribute[] };

const INT_LABELS = new Set(["classlabels_ints", "classlabels_int64s"]);
const decoder = new TextDecoder();

/**
 * The class labels, as strings in column order, that the model's classifier nodes declare; null
 * when none declares any, or when two nodes disagree (then the model does not say one order).
 */
export function readOnnxClassLabels(model: Uint8Array): string[] | null {
  let decoded: { graph?: { node?: TNode[] } };
  try {
    decoded = ModelProto.toObject(ModelProto.decode(model), { longs: String }) as typeof decoded;
  } catch {
    return null;
  }
  const found: string[][] = [];
  for (const node of decoded.graph?.node ?? []) {
    for (const attribute of node.attribute ?? []) {
      if (INT_LABELS.has(attribute.name) && attribute.ints?.length) found.push(attribute.ints.map((value) => String(value)));
      if (attribute.name === "classlabels_strings" && attribute.strings?.length)
        found.push(attribute.strings.map((bytes) => decoder.decode(bytes)));
    }
  }
  if (found.length === 0) return null;
  const [first] = found;
  return found.every((labels) => labels.length === first.length && labels.every((label, index) => label === first[index])) ? first : null;
}

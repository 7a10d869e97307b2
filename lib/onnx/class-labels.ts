import { firstMessage, firstText, int64Strings, LENGTH_DELIMITED, readFields } from "./wire";

/*
 * onnxruntime-node does not expose node attributes, so the class labels a classifier declares
 * (ai.onnx.ml LinearClassifier's classlabels_ints / classlabels_strings, TreeEnsembleClassifier's
 * and ZipMap's classlabels_int64s / classlabels_strings) are read from the ONNX protobuf itself, field
 * by field (onnx.proto's numbers). No generated decoder: the browser reads labels too, and a page's
 * Content-Security-Policy refuses the code protobufjs would generate at run time.
 */
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const NODE_ATTRIBUTE = 5;
const ATTRIBUTE_NAME = 1;
const ATTRIBUTE_INTS = 8;
const ATTRIBUTE_STRINGS = 9;

const INT_LABELS = new Set(["classlabels_ints", "classlabels_int64s"]);
const decoder = new TextDecoder();

/**
 * The class labels, as strings in column order, that the model's classifier nodes declare; null
 * when none declares any, or when two nodes disagree (then the model does not say one order).
 */
export function readOnnxClassLabels(model: Uint8Array): string[] | null {
  const found: string[][] = [];
  try {
    const graph = firstMessage(readFields(model), MODEL_GRAPH) ?? [];
    for (const node of graph.filter((field) => field.id === GRAPH_NODE && field.wireType === LENGTH_DELIMITED)) {
      for (const attribute of readFields(node.bytes).filter(
        (field) => field.id === NODE_ATTRIBUTE && field.wireType === LENGTH_DELIMITED,
      )) {
        const fields = readFields(attribute.bytes);
        const name = firstText(fields, ATTRIBUTE_NAME);
        if (INT_LABELS.has(name)) {
          const ints = int64Strings(fields, ATTRIBUTE_INTS);
          if (ints.length) found.push(ints);
        }
        if (name === "classlabels_strings") {
          const strings = fields.filter((field) => field.id === ATTRIBUTE_STRINGS && field.wireType === LENGTH_DELIMITED);
          if (strings.length) found.push(strings.map((field) => decoder.decode(field.bytes)));
        }
      }
    }
  } catch {
    return null;
  }
  if (found.length === 0) return null;
  const [first] = found;
  return found.every((labels) => labels.length === first.length && labels.every((label, index) => label === first[index])) ? first : null;
}

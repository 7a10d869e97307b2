import {
  firstText,
  int64Strings,
  LENGTH_DELIMITED,
  messageField,
  readFields,
  stringField,
  text,
  varintField,
  writeFields,
  type TField,
} from "./wire";

/*
 * scikit-learn's default ONNX export (skl2onnx) ends its probability output in a ZipMap node: a
 * sequence of maps {class: P}, which onnxruntime-node cannot return ("Non tensor type is
 * temporarily not supported"). At registration the ZipMap is removed: its input tensor, the class
 * probabilities float [N, C] in class order, is renamed to the ZipMap's output name and becomes the
 * graph output, so the model keeps its output names and only the type changes (sequence of maps →
 * tensor). The class labels come from the ZipMap's classlabels_int64s / classlabels_strings.
 *
 * The rewrite works on the protobuf wire format: every field it does not touch (opsets, metadata,
 * initializers, other nodes' attributes, fields of later ONNX versions) is copied byte for byte, so
 * nothing of the model is lost by decoding it with a partial onnx.proto. Field numbers are onnx.proto's.
 */

const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_OUTPUT = 12;
const GRAPH_VALUE_INFO = 13;
const NODE_INPUT = 1;
const NODE_OUTPUT = 2;
const NODE_NAME = 3;
const NODE_OP_TYPE = 4;
const NODE_ATTRIBUTE = 5;
const ATTRIBUTE_NAME = 1;
const ATTRIBUTE_INTS = 8;
const ATTRIBUTE_STRINGS = 9;
const VALUE_INFO_NAME = 1;
const FLOAT_ELEMENT_TYPE = 1;

/** One ZipMap removed: where it was, and the classes it named in column order. */
export type TZipMapRemoval = {
  node: string;
  /** The tensor that fed it (float [N, C]), now leaving the graph under `output`. */
  input: string;
  output: string;
  classLabels: string[] | null;
};

export type TZipMapStripped = { bytes: Uint8Array; removed: TZipMapRemoval[] };

/** The file cannot be rewritten without changing what the model computes; the message says why. */
export class ZipMapRewriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ZipMapRewriteError";
  }
}

const decoder = new TextDecoder();

function zipMapLabels(node: TField[]): string[] | null {
  for (const attribute of node.filter((field) => field.id === NODE_ATTRIBUTE).map((field) => readFields(field.bytes))) {
    const name = firstText(attribute, ATTRIBUTE_NAME);
    if (name === "classlabels_int64s") return int64Strings(attribute, ATTRIBUTE_INTS);
    if (name === "classlabels_strings")
      return attribute.filter((field) => field.id === ATTRIBUTE_STRINGS).map((field) => decoder.decode(field.bytes));
  }
  return null;
}

/** ValueInfoProto of a float tensor [N, C] (C unknown when the ZipMap names no classes). */
function probabilityValueInfo(name: string, classCount: number | null): TField[] {
  const dimensions = [messageField(1, [stringField(2, "N")])];
  if (classCount !== null) dimensions.push(messageField(1, [varintField(1, classCount)]));
  const tensorType = [varintField(1, FLOAT_ELEMENT_TYPE), messageField(2, dimensions)];
  return [stringField(VALUE_INFO_NAME, name), messageField(2, [messageField(1, tensorType)])];
}

/**
 * Removes every ZipMap that ends a graph output (see the header); null when the model has none.
 * Refuses a ZipMap whose output another node reads, since removing it would change that node's input.
 */
export function stripZipMap(model: Uint8Array): TZipMapStripped | null {
  let top: TField[];
  let graph: TField[];
  try {
    top = readFields(model);
    const graphField = top.find((field) => field.id === MODEL_GRAPH && field.wireType === LENGTH_DELIMITED);
    if (!graphField) return null;
    graph = readFields(graphField.bytes);
  } catch {
    return null; // not a protobuf: onnxruntime's load check names the problem
  }
  const nodes = graph.filter((field) => field.id === GRAPH_NODE).map((field) => readFields(field.bytes));
  const zipMaps = nodes.filter((node) => firstText(node, NODE_OP_TYPE) === "ZipMap");
  if (zipMaps.length === 0) return null;

  const graphOutputs = graph
    .filter((field) => field.id === GRAPH_OUTPUT)
    .map((field) => firstText(readFields(field.bytes), VALUE_INFO_NAME));
  const removed: TZipMapRemoval[] = [];
  const renames = new Map<string, string>();
  const replacedOutputs = new Map<string, TField[]>();
  const droppedOutputs = new Set<string>();
  for (const zipMap of zipMaps) {
    const input = zipMap.filter((field) => field.id === NODE_INPUT).map(text)[0] ?? "";
    const output = zipMap.filter((field) => field.id === NODE_OUTPUT).map(text)[0] ?? "";
    const node = firstText(zipMap, NODE_NAME) || `ZipMap(${input})`;
    const readers = nodes.filter((other) => other !== zipMap && other.some((field) => field.id === NODE_INPUT && text(field) === output));
    if (readers.length > 0)
      throw new ZipMapRewriteError(
        `the ZipMap '${node}' feeds another node (${firstText(readers[0], NODE_OP_TYPE)}), so it cannot be removed: export the model without ZipMap`,
      );
    if (!graphOutputs.includes(output))
      throw new ZipMapRewriteError(
        `the ZipMap '${node}' does not end a graph output, so it cannot be removed: export the model without ZipMap`,
      );
    const classLabels = zipMapLabels(zipMap);
    removed.push({ node, input, output, classLabels });
    if (graphOutputs.includes(input)) {
      // Its input already leaves the graph: the ZipMap's output is only dropped.
      droppedOutputs.add(output);
    } else {
      renames.set(input, output);
      replacedOutputs.set(output, probabilityValueInfo(output, classLabels?.length ?? null));
    }
  }

  const rename = (field: TField): TField =>
    (field.id === NODE_INPUT || field.id === NODE_OUTPUT) && renames.has(text(field))
      ? stringField(field.id, renames.get(text(field))!)
      : field;
  const newGraph: TField[] = [];
  for (const field of graph) {
    if (field.id === GRAPH_NODE) {
      const node = readFields(field.bytes);
      if (firstText(node, NODE_OP_TYPE) === "ZipMap") continue;
      // Only nodes that mention a renamed tensor are re-encoded; the others stay byte for byte.
      newGraph.push(node.some((part) => rename(part) !== part) ? messageField(GRAPH_NODE, node.map(rename)) : field);
    } else if (field.id === GRAPH_OUTPUT) {
      const name = firstText(readFields(field.bytes), VALUE_INFO_NAME);
      if (droppedOutputs.has(name)) continue;
      const replaced = replacedOutputs.get(name);
      newGraph.push(replaced ? messageField(GRAPH_OUTPUT, replaced) : field);
    } else if (field.id === GRAPH_VALUE_INFO) {
      // The renamed tensor's intermediate type annotation would now duplicate the output's.
      const name = firstText(readFields(field.bytes), VALUE_INFO_NAME);
      if (!renames.has(name) && !replacedOutputs.has(name)) newGraph.push(field);
    } else newGraph.push(field);
  }
  const bytes = writeFields(top.map((field) => (field.id === MODEL_GRAPH ? messageField(MODEL_GRAPH, newGraph) : field)));
  return { bytes, removed };
}

/** The sentence the card and the registration's answer give for each removal. */
export function describeZipMapRemoval(removal: TZipMapRemoval): string {
  const classes = removal.classLabels ? ` in class order ${removal.classLabels.map((label) => `'${label}'`).join(", ")}` : "";
  return (
    `Removed the ZipMap node '${removal.node}' at registration: onnxruntime-node cannot return its sequence of maps. ` +
    `Its input '${removal.input}', the class probabilities as a float tensor [N, ${removal.classLabels?.length ?? "C"}]${classes}, ` +
    `now leaves the graph as '${removal.output}'. Nothing else in the model was changed.`
  );
}

import { InferenceSession, Tensor } from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { readOnnxSignature } from "./signature";
import { describeZipMapRemoval, stripZipMap, ZipMapRewriteError } from "./strip-zipmap";
import { readFields } from "./wire";
import { writeScaledLinearClassifierOnnx } from "./write-classifiers";
import { writeOnnxModel } from "./write-model";

const model = { offsets: [1, 2], scales: [0.5, 0.25], weights: [1.5, -2], bias: 0.3 };
const rows = [
  [0.5, 3],
  [2, 1],
  [4, 8],
];

async function run(bytes: Uint8Array) {
  const session = await InferenceSession.create(bytes);
  try {
    return await session.run(
      { features: new Tensor("float32", Float32Array.from(rows.flat()), [rows.length, 2]) },
      session.outputMetadata.filter((output) => output.isTensor).map((output) => output.name),
    );
  } finally {
    await session.release();
  }
}

describe("stripZipMap", () => {
  it("returns null for a model without ZipMap and for bytes that are not ONNX", () => {
    expect(stripZipMap(writeScaledLinearClassifierOnnx(model))).toBeNull();
    expect(stripZipMap(new TextEncoder().encode("not a model"))).toBeNull();
  });

  it("serves the ZipMap's input under its output name: the same probabilities as the model exported without ZipMap", async () => {
    const zipped = writeScaledLinearClassifierOnnx({ ...model, zipMap: true });
    const stripped = stripZipMap(zipped)!;
    expect(stripped.removed).toEqual([
      { node: expect.stringMatching(/^zipmap_/), input: "probabilities", output: "output_probability", classLabels: ["0", "1"] },
    ]);
    expect(readOnnxSignature(stripped.bytes)?.outputs).toEqual([
      { name: "output_label", kind: "tensor", type: "int64", dims: ["batch"] },
      { name: "output_probability", kind: "tensor", type: "float32", dims: ["N", 2] },
    ]);
    const [fromStripped, fromPlain] = await Promise.all([run(stripped.bytes), run(writeScaledLinearClassifierOnnx(model))]);
    expect(fromStripped.output_probability.dims).toEqual([3, 2]);
    expect(Array.from(fromStripped.output_probability.data as Float32Array)).toEqual(
      Array.from(fromPlain.probabilities.data as Float32Array),
    );
    expect(Array.from(fromStripped.output_label.data as BigInt64Array)).toEqual(Array.from(fromPlain.label.data as BigInt64Array));
    expect(describeZipMapRemoval(stripped.removed[0])).toContain("now leaves the graph as 'output_probability'");
  });

  it("copies every field outside the graph byte for byte", () => {
    const zipped = writeScaledLinearClassifierOnnx({ ...model, zipMap: true });
    const outside = (bytes: Uint8Array) =>
      readFields(bytes)
        .filter((field) => field.id !== 7)
        .map((field) => [field.id, field.wireType, Array.from(field.bytes)]);
    expect(outside(stripZipMap(zipped)!.bytes)).toEqual(outside(zipped));
  });

  it("refuses a ZipMap whose output another node reads", () => {
    const bytes = writeOnnxModel({
      graphName: "zipmap_read",
      inputs: [{ name: "probabilities", dims: ["batch", 2] }],
      outputs: [
        { name: "output_probability", sequenceOfMaps: true },
        { name: "first", sequenceOfMaps: true },
      ],
      initializers: [],
      nodes: [
        {
          opType: "ZipMap",
          domain: "ai.onnx.ml",
          inputs: ["probabilities"],
          outputs: ["output_probability"],
          attributes: { classlabels_int64s: { ints: [0, 1] } },
        },
        { opType: "Identity", inputs: ["output_probability"], outputs: ["first"] },
      ],
      mlOpset: 1,
    });
    expect(() => stripZipMap(bytes)).toThrow(ZipMapRewriteError);
    expect(() => stripZipMap(bytes)).toThrow("feeds another node (Identity)");
  });
});

import { Tensor } from "onnxruntime-node";
import { createSession } from "./load-session";

/** Runs an ONNX model once over a batch of input rows and returns the probability output. */
export async function scoreRows({ model, rows, width, probabilityOutput }: { model: Uint8Array; rows: number[][]; width: number; probabilityOutput: string }): Promise<number[]> {
  if (rows.length === 0) return [];
  const session = await createSession(model);
  try {
    const output = await session.run({ [session.inputNames[0]]: new Tensor("float32", Float32Array.from(rows.flat()), [rows.length, width]) });
    return Array.from(output[probabilityOutput].data as Float32Array);
  } finally {
    await session.release();
  }
}

import { Tensor, type InferenceSession } from "onnxruntime-node";
import { classifierFetchesOrThrow, readBinaryClassifierOutputs, type TOutputTensor } from "@/lib/onnx/model-output";
import { createSession } from "./load-session";

export type TClassifierOutput = { probabilityOutput: string; positiveIndex?: 0 | 1 };

/**
 * Runs a loaded binary classifier on a batch of rows in one session.run and returns P(positive)
 * per row, read by lib/onnx/model-output: serving and validation share this path, so they agree.
 */
async function runBinaryClassifier(
  session: InferenceSession,
  input: TClassifierOutput & { rows: number[][]; width: number },
): Promise<number[]> {
  return (await runClassifierOutputs(session, input)).probabilities;
}

/** As runBinaryClassifier, keeping every tensor output as the runtime gave it (OIP returns them all). */
export async function runClassifierOutputs(
  session: InferenceSession,
  input: TClassifierOutput & { rows: number[][]; width: number },
): Promise<{ probabilities: number[]; outputs: Record<string, TOutputTensor> }> {
  const { rows, width } = input;
  if (rows.length === 0) return { probabilities: [], outputs: {} };
  const flat = new Float32Array(rows.length * width);
  rows.forEach((row, index) => flat.set(row, index * width));
  const fetches = classifierFetchesOrThrow(session.outputMetadata, input.probabilityOutput);
  const outputs = await session.run({ [session.inputNames[0]]: new Tensor("float32", flat, [rows.length, width]) }, fetches);
  const probabilities = Array.from(
    readBinaryClassifierOutputs({
      outputs,
      rowCount: rows.length,
      probabilityOutput: input.probabilityOutput,
      positiveIndex: input.positiveIndex,
    }).probabilities,
  );
  return { probabilities, outputs };
}

/** Opens an ONNX model, scores a batch of input rows with it (as runBinaryClassifier) and releases it. */
export async function scoreRows({
  model,
  rows,
  width,
  ...output
}: TClassifierOutput & { model: Uint8Array; rows: number[][]; width: number }): Promise<number[]> {
  if (rows.length === 0) return [];
  const session = await createSession(model);
  try {
    return await runBinaryClassifier(session, { rows, width, ...output });
  } finally {
    await session.release();
  }
}

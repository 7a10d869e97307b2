import { Tensor, type InferenceSession } from "onnxruntime-node";
import { buildFeeds, resolveFeedSpecs, type TDeclaredInput, type TFeedSpec } from "@/lib/onnx/model-inputs";
import { classifierFetchesOrThrow, readBinaryClassifierOutputs, type TOutputTensor } from "@/lib/onnx/model-output";
import type { TInputRow } from "@/lib/registry";
import { createSession } from "./load-session";

export type TClassifierOutput = { probabilityOutput: string; positiveIndex?: 0 | 1 };

/**
 * The rows' model inputs: `inputs` from the schema (lib/registry modelInputSpecs), or, without
 * them, one float32 tensor [N, width] into the model's only input.
 */
type TRowsInput = { rows: TInputRow[]; width: number; inputs?: readonly TDeclaredInput[] };

/** The feed layout of a session for the schema's inputs; throws with every mismatch named. */
export function feedSpecsOrThrow(session: InferenceSession, input: Omit<TRowsInput, "rows">): TFeedSpec[] {
  const declared = input.inputs ?? [{ name: null, type: "float32", columns: Array.from({ length: input.width }, (_, index) => index) }];
  const resolution = resolveFeedSpecs(session.inputMetadata, declared);
  if (!resolution.ok) throw new Error(resolution.problems.map((problem) => problem.message).join("; "));
  return resolution.specs;
}

/** onnxruntime feeds for rows laid out by `specs`. */
function tensorFeeds(specs: readonly TFeedSpec[], rows: TInputRow[]): Record<string, Tensor> {
  return Object.fromEntries(buildFeeds(specs, rows).map((feed) => [feed.name, new Tensor(feed.type, feed.data, feed.dims)]));
}

/**
 * Runs a loaded binary classifier on a batch of rows in one session.run and returns P(positive)
 * per row, read by lib/onnx/model-output: serving and validation share this path, so they agree.
 */
async function runBinaryClassifier(session: InferenceSession, input: TClassifierOutput & TRowsInput): Promise<number[]> {
  return (await runClassifierOutputs(session, input)).probabilities;
}

/** As runBinaryClassifier, keeping every tensor output as the runtime gave it (OIP returns them all). */
export async function runClassifierOutputs(
  session: InferenceSession,
  input: TClassifierOutput & TRowsInput & { specs?: readonly TFeedSpec[] },
): Promise<{ probabilities: number[]; outputs: Record<string, TOutputTensor> }> {
  const { rows } = input;
  if (rows.length === 0) return { probabilities: [], outputs: {} };
  const specs = input.specs ?? feedSpecsOrThrow(session, input);
  const fetches = classifierFetchesOrThrow(session.outputMetadata, input.probabilityOutput);
  const outputs = await session.run(tensorFeeds(specs, rows), fetches);
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
export async function scoreRows({ model, rows, ...rest }: TClassifierOutput & TRowsInput & { model: Uint8Array }): Promise<number[]> {
  if (rows.length === 0) return [];
  const session = await createSession(model);
  try {
    return await runBinaryClassifier(session, { rows, ...rest });
  } finally {
    await session.release();
  }
}

import { InferenceSession } from "onnxruntime-node";

/**
 * One onnxruntime session per model version. One intra-op thread: on 2 cores, parallelism comes
 * from serving requests concurrently, not from splitting one small matrix product.
 */
export function createSession(model: Uint8Array | string): Promise<InferenceSession> {
  const options: InferenceSession.SessionOptions = {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
    executionProviders: ["cpu"],
  };
  return typeof model === "string" ? InferenceSession.create(model, options) : InferenceSession.create(model, options);
}

import "server-only";
import { findJsonProblem, formatMiB } from "@/lib/validation/edge";
import { ApiError } from "./api-errors";

const tooLarge = (maxBytes: number) =>
  new ApiError(413, "too_large", `The request body is too large; the limit is ${formatMiB(maxBytes)}.`, [
    { field: "(body)", message: `the limit is ${formatMiB(maxBytes)}` },
  ]);

/**
 * Reads a request body, counting bytes as they arrive and stopping at `maxBytes` with a 413,
 * whatever Content-Length says (a chunked body has none, and a false one proves nothing).
 */
async function readBodyWithinLimit(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let totalBytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    totalBytes += value.byteLength;
    if (totalBytes > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(totalBytes);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** A JSON body within `maxBytes`, through the edge normaliser: 400 when it is not JSON or nested too deep, 422 naming the field for NUL bytes, lone surrogates or non-finite numbers. */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const bytes = await readBodyWithinLimit(request, maxBytes);
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new ApiError(400, "invalid_json", "The body is not valid JSON (UTF-8).");
  }
  const problem = findJsonProblem(body);
  if (problem)
    throw new ApiError(
      problem.tooDeep ? 400 : 422,
      problem.tooDeep ? "too_deep" : "invalid_input",
      `${problem.field} ${problem.message}.`,
      [{ field: problem.field, message: problem.message }],
    );
  return body;
}

/** A multipart/form-data body within `maxBytes` (streamed and counted as readBodyWithinLimit does), parsed. */
export async function readMultipartBody(request: Request, maxBytes: number): Promise<FormData> {
  const bytes = await readBodyWithinLimit(request, maxBytes);
  return new Response(bytes, { headers: { "content-type": request.headers.get("content-type") ?? "" } }).formData().catch(() => {
    throw new ApiError(400, "bad_multipart", "The multipart body cannot be read.");
  });
}

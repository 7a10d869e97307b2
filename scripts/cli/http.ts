import fs from "node:fs";
import path from "node:path";

/** A failure the CLI reports in one line and exits with: 1 when the server refused, 2 for bad input. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
    /** The HTTP status when the server refused. */
    readonly status?: number,
  ) {
    super(message);
  }
}

function apiConfig(): { url: string; apiKey: string } {
  const url = (process.env.OVERSIGHT_URL ?? "http://localhost:3000").replace(/\/$/, "");
  const keyFile = path.resolve(".data/demo-api-key");
  const apiKey = process.env.OVERSIGHT_API_KEY ?? (fs.existsSync(keyFile) ? fs.readFileSync(keyFile, "utf8").trim() : "");
  if (!apiKey)
    throw new CliError("Set OVERSIGHT_API_KEY (an API key with the registry or read scope), or run npm start once for the demo key.", 2);
  return { url, apiKey };
}

/** Calls the REST API and returns the JSON (or text) body; a 4xx/5xx becomes a CliError with the server's message. */
export async function callApi(pathname: string, init: RequestInit = {}): Promise<{ body: unknown; text: string; contentType: string }> {
  const { url, apiKey } = apiConfig();
  let response: Response;
  try {
    response = await fetch(`${url}${pathname}`, { ...init, headers: { authorization: `Bearer ${apiKey}`, ...(init.headers ?? {}) } });
  } catch {
    throw new CliError(`Cannot reach ${url}: is Oversight running? (set OVERSIGHT_URL)`, 1);
  }
  const text = await response.text();
  const contentType = response.headers.get("content-type") ?? "";
  const body = contentType.includes("json") ? JSON.parse(text) : text;
  if (!response.ok) {
    const error = body as { message?: string; errors?: Array<{ field: string; message: string }> };
    const details = error.errors?.length ? `\n${error.errors.map((item) => `  - ${item.field}: ${item.message}`).join("\n")}` : "";
    throw new CliError(`${response.status} ${error.message ?? text}${details}`, 1, response.status);
  }
  return { body, text, contentType };
}

export function readFileOrThrow(file: string, what: string): Buffer {
  if (!fs.existsSync(file)) throw new CliError(`${what}: no file ${file}`, 2);
  return fs.readFileSync(file);
}

export function readJsonOrThrow(file: string, what: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileOrThrow(file, what).toString("utf8"));
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${what}: ${file} is not valid JSON`, 2);
  }
}

import fs from "node:fs";
import Papa from "papaparse";
import { createCsvCollector, CSV_PARSE_CONFIG, InputError, readCsvHeader, type TColumnSpec, type TCsvTable } from "@/lib/cli/csv-columns";

/**
 * papaparse turns each chunk into row arrays of strings that die as soon as the chunk is
 * collected; at 256 KiB they die young (cheap scavenges). 4 MiB chunks measured ~1.5× slower.
 */
const READ_CHUNK_BYTES = 256 * 1024;
const HEADER_PROBE_BYTES = 64 * 1024;

function assertReadableFile(file: string, what: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new InputError(`${what}: no file ${file}`);
  }
  if (!stat.isFile()) throw new InputError(`${what}: ${file} is not a file`);
}

/** The header row of a CSV file, read without reading the rest. */
export function readCsvFileHeader(file: string, what: string): string[] {
  assertReadableFile(file, what);
  const handle = fs.openSync(file, "r");
  try {
    const parts: Buffer[] = [];
    let position = 0;
    for (;;) {
      const buffer = Buffer.alloc(HEADER_PROBE_BYTES);
      const bytes = fs.readSync(handle, buffer, 0, buffer.length, position);
      parts.push(buffer.subarray(0, bytes));
      position += bytes;
      // Stop at the first line end (a wide header takes several reads) or at the end of the file.
      if (bytes < buffer.length || buffer.subarray(0, bytes).includes(10)) break;
    }
    return readCsvHeader(Buffer.concat(parts).toString("utf8"), file);
  } finally {
    fs.closeSync(handle);
  }
}

/**
 * Streams a CSV file through papaparse into the named columns: memory grows with the kept
 * columns, not with the file. Rejects with an InputError for a missing file or bad content.
 */
export function readCsvFileColumns(file: string, what: string, columns: TColumnSpec[]): Promise<TCsvTable> {
  assertReadableFile(file, what);
  const collector = createCsvCollector({ file, columns });
  // utf8 decoding in the stream, so a character split between two reads stays whole.
  const stream = fs.createReadStream(file, { encoding: "utf8", highWaterMark: READ_CHUNK_BYTES });
  return new Promise<TCsvTable>((resolve, reject) => {
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      stream.destroy();
      reject(
        error instanceof InputError
          ? error
          : new InputError(`${what}: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`),
      );
    };
    // papaparse reads Node streams (its ReadableStreamStreamer); its typings only know browser files.
    Papa.parse(stream as unknown as Papa.LocalFile, {
      ...CSV_PARSE_CONFIG,
      chunk(results: Papa.ParseResult<string[]>, parser: Papa.Parser) {
        if (failed) return;
        try {
          collector.addRows(results.data, results.errors);
        } catch (error) {
          // fail first: abort() calls complete(), which must not resolve a half-read table.
          fail(error);
          parser.abort();
        }
      },
      complete() {
        if (failed) return;
        try {
          resolve(collector.finish());
        } catch (error) {
          fail(error);
        }
      },
      error(error: Error) {
        fail(error);
      },
    });
  });
}

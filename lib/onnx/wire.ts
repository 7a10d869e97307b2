import protobuf from "protobufjs";

/*
 * The protobuf wire format, read and written field by field. Rewriting an ONNX file this way copies
 * every field it does not touch byte for byte, so nothing is lost to a partial onnx.proto.
 */

export const LENGTH_DELIMITED = 2;

/** One field of a message: a length-delimited field keeps its payload, any other its encoded value. */
export type TField = { id: number; wireType: number; bytes: Uint8Array };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The fields of one message in order. Throws on bytes that are not a protobuf message. */
export function readFields(buffer: Uint8Array): TField[] {
  const reader = protobuf.Reader.create(buffer);
  const fields: TField[] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const id = tag >>> 3;
    const wireType = tag & 7;
    if (wireType === LENGTH_DELIMITED) {
      fields.push({ id, wireType, bytes: reader.bytes() });
    } else {
      const start = reader.pos;
      reader.skipType(wireType);
      fields.push({ id, wireType, bytes: buffer.subarray(start, reader.pos) });
    }
  }
  return fields;
}

function varint(value: number): Uint8Array {
  const out: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return Uint8Array.from(out);
}

export function writeFields(fields: readonly TField[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const field of fields) {
    chunks.push(varint(field.id * 8 + field.wireType));
    if (field.wireType === LENGTH_DELIMITED) chunks.push(varint(field.bytes.byteLength));
    chunks.push(field.bytes);
  }
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

export const text = (field: TField) => decoder.decode(field.bytes);
export const stringField = (id: number, value: string): TField => ({ id, wireType: LENGTH_DELIMITED, bytes: encoder.encode(value) });
export const varintField = (id: number, value: number): TField => ({ id, wireType: 0, bytes: varint(value) });
export const messageField = (id: number, fields: TField[]): TField => ({ id, wireType: LENGTH_DELIMITED, bytes: writeFields(fields) });

/** The first length-delimited field `id` as text, "" when absent. */
export function firstText(fields: readonly TField[], id: number): string {
  const found = fields.find((field) => field.id === id && field.wireType === LENGTH_DELIMITED);
  return found ? text(found) : "";
}

/** The first length-delimited field `id` as a message, null when absent. */
export function firstMessage(fields: readonly TField[], id: number): TField[] | null {
  const found = fields.find((field) => field.id === id && field.wireType === LENGTH_DELIMITED);
  return found ? readFields(found.bytes) : null;
}

/** A varint field's value (int32 / enum / small int64), null when absent. */
export function firstVarint(fields: readonly TField[], id: number): number | null {
  const found = fields.find((field) => field.id === id && field.wireType === 0);
  return found ? Number(protobuf.Reader.create(found.bytes).int64().toString()) : null;
}

/** int64 values of a repeated field, packed (one length-delimited run) or not, as decimal strings. */
export function int64Strings(fields: readonly TField[], id: number): string[] {
  const values: string[] = [];
  for (const field of fields.filter((candidate) => candidate.id === id)) {
    const reader = protobuf.Reader.create(field.bytes);
    while (reader.pos < reader.len) values.push(reader.int64().toString());
  }
  return values;
}

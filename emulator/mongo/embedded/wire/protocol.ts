/**
 * MongoDB wire protocol framing: the 16-byte header, OP_MSG (body and document sequences), the
 * legacy OP_QUERY that old handshakes use, and the replies (OP_MSG, OP_REPLY).
 * https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/
 */
import { calculateObjectSize, deserialize, serialize } from 'bson';
import type { Document } from '../values/forms';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

export const HEADER_SIZE = 16;
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const MAX_MESSAGE_SIZE_BYTES = 48_000_000;
export const MAX_WRITE_BATCH_SIZE = 100_000;

const FLAG_CHECKSUM_PRESENT = 1 << 0;
const FLAG_MORE_TO_COME = 1 << 1;
const FLAG_EXHAUST_ALLOWED = 1 << 16;
/** Bits 0-15 are "required": a receiver must fail on any it does not know. */
const KNOWN_REQUIRED_FLAGS = FLAG_CHECKSUM_PRESENT | FLAG_MORE_TO_COME;

/** A message the peer got wrong; the connection that sent it is closed. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export interface MessageHeader {
  messageLength: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

export type Request =
  | {
      kind: 'msg';
      header: MessageHeader;
      /** The command: the body with each document sequence attached under its identifier. */
      command: Document;
      /** The client does not want a reply (unacknowledged write). */
      moreToCome: boolean;
      exhaustAllowed: boolean;
    }
  | {
      kind: 'query';
      header: MessageHeader;
      fullCollectionName: string;
      command: Document;
    };

/** How documents from the wire are decoded: every BSON type kept as its own class (see values/forms.ts). */
export const DECODE_OPTIONS = { promoteValues: false, promoteBuffers: false, bsonRegExp: true } as const;

export function readHeader(buffer: Buffer): MessageHeader {
  return {
    messageLength: buffer.readInt32LE(0),
    requestId: buffer.readInt32LE(4),
    responseTo: buffer.readInt32LE(8),
    opCode: buffer.readInt32LE(12),
  };
}

function readDocument(buffer: Buffer, offset: number, end: number): { document: Document; next: number } {
  if (offset + 5 > end) throw new ProtocolError('truncated BSON document');
  const size = buffer.readInt32LE(offset);
  if (size < 5 || offset + size > end) throw new ProtocolError(`invalid BSON document size ${size}`);
  if (size > MAX_BSON_OBJECT_SIZE + 16 * 1024) throw new ProtocolError(`BSON document of ${size} bytes exceeds the maximum`);
  try {
    const document = deserialize(buffer.subarray(offset, offset + size), DECODE_OPTIONS) as Document;
    return { document, next: offset + size };
  } catch (error) {
    throw new ProtocolError(`invalid BSON: ${(error as Error).message}`);
  }
}

function readCString(buffer: Buffer, offset: number, end: number): { value: string; next: number } {
  const zero = buffer.indexOf(0, offset);
  if (zero === -1 || zero >= end) throw new ProtocolError('unterminated string');
  return { value: buffer.toString('utf8', offset, zero), next: zero + 1 };
}

/** Parses one complete message (header included). Throws ProtocolError for anything malformed. */
export function parseMessage(message: Buffer): Request {
  const header = readHeader(message);
  switch (header.opCode) {
    case OP_MSG:
      return parseOpMsg(message, header);
    case OP_QUERY:
      return parseOpQuery(message, header);
    case OP_COMPRESSED:
      throw new ProtocolError('OP_COMPRESSED received, but no compressor was negotiated');
    default:
      throw new ProtocolError(`unsupported opCode ${header.opCode}`);
  }
}

function parseOpMsg(message: Buffer, header: MessageHeader): Request {
  if (message.length < HEADER_SIZE + 5) throw new ProtocolError('OP_MSG too short');
  const flags = message.readUInt32LE(HEADER_SIZE);
  const unknownRequired = flags & 0xffff & ~KNOWN_REQUIRED_FLAGS;
  if (unknownRequired !== 0) throw new ProtocolError(`OP_MSG has unknown required flag bits ${unknownRequired}`);
  const end = flags & FLAG_CHECKSUM_PRESENT ? message.length - 4 : message.length;
  let offset = HEADER_SIZE + 4;
  let body: Document | undefined;
  const sequences: [string, Document[]][] = [];
  while (offset < end) {
    const kind = message[offset];
    offset += 1;
    if (kind === 0) {
      if (body) throw new ProtocolError('OP_MSG has more than one body section');
      const { document, next } = readDocument(message, offset, end);
      body = document;
      offset = next;
    } else if (kind === 1) {
      if (offset + 4 > end) throw new ProtocolError('truncated document sequence');
      const size = message.readInt32LE(offset);
      const sectionEnd = offset + size;
      if (size < 5 || sectionEnd > end) throw new ProtocolError(`invalid document sequence size ${size}`);
      const identifier = readCString(message, offset + 4, sectionEnd);
      const documents: Document[] = [];
      let position = identifier.next;
      while (position < sectionEnd) {
        const { document, next } = readDocument(message, position, sectionEnd);
        documents.push(document);
        position = next;
      }
      sequences.push([identifier.value, documents]);
      offset = sectionEnd;
    } else {
      throw new ProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new ProtocolError('OP_MSG without a body section');
  for (const [identifier, documents] of sequences) {
    if (identifier in body) throw new ProtocolError(`document sequence '${identifier}' duplicates a body field`);
    body[identifier] = documents;
  }
  return {
    kind: 'msg',
    header,
    command: body,
    moreToCome: (flags & FLAG_MORE_TO_COME) !== 0,
    exhaustAllowed: (flags & FLAG_EXHAUST_ALLOWED) !== 0,
  };
}

function parseOpQuery(message: Buffer, header: MessageHeader): Request {
  let offset = HEADER_SIZE + 4; // flags
  const name = readCString(message, offset, message.length);
  offset = name.next + 8; // numberToSkip, numberToReturn
  const { document } = readDocument(message, offset, message.length);
  // Old drivers wrap the command: { $query: { isMaster: 1 }, $readPreference: … }.
  const wrapped = document.$query ?? document.query;
  const command = wrapped && typeof wrapped === 'object' ? (wrapped as Document) : document;
  return { kind: 'query', header, fullCollectionName: name.value, command };
}

function header(buffer: Buffer, requestId: number, responseTo: number, opCode: number): void {
  buffer.writeInt32LE(buffer.length, 0);
  buffer.writeInt32LE(requestId, 4);
  buffer.writeInt32LE(responseTo, 8);
  buffer.writeInt32LE(opCode, 12);
}

export function encodeOpMsg(requestId: number, responseTo: number, body: Document): Buffer {
  const document = serialize(body);
  const message = Buffer.allocUnsafe(HEADER_SIZE + 4 + 1 + document.length);
  header(message, requestId, responseTo, OP_MSG);
  message.writeUInt32LE(0, HEADER_SIZE);
  message[HEADER_SIZE + 4] = 0;
  message.set(document, HEADER_SIZE + 5);
  return message;
}

export function encodeOpReply(requestId: number, responseTo: number, body: Document): Buffer {
  const document = serialize(body);
  const message = Buffer.allocUnsafe(HEADER_SIZE + 20 + document.length);
  header(message, requestId, responseTo, OP_REPLY);
  message.writeInt32LE(0, HEADER_SIZE); // responseFlags
  message.writeBigInt64LE(0n, HEADER_SIZE + 4); // cursorID
  message.writeInt32LE(0, HEADER_SIZE + 12); // startingFrom
  message.writeInt32LE(1, HEADER_SIZE + 16); // numberReturned
  message.set(document, HEADER_SIZE + 20);
  return message;
}

/**
 * Sizes computed so far. Stored documents are never changed in place, so a document's size holds
 * for as long as the object lives; listDatabases, collStats and cursor batching ask repeatedly.
 */
const sizes = new WeakMap<Document, number>();

/** The BSON size of a document as it will be sent (BsonNumbers counted as their BSON values). */
export function bsonSize(document: Document): number {
  let size = sizes.get(document);
  if (size === undefined) {
    size = calculateObjectSize(document);
    sizes.set(document, size);
  }
  return size;
}

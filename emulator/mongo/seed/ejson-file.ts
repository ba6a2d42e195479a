/**
 * Reads the documents of a JSON file in either form mongoexport writes: one Extended JSON
 * document per line (the default) or one JSON array (--jsonArray), with exact number types
 * (see mongo/extended-json.ts). The file is streamed: a line or an array element at a time,
 * never the whole file.
 */
import type { Document } from 'bson';
import { parseExtendedJson } from '../extended-json';
import { messageOf, SeedError } from './errors';

function isDocument(value: unknown): value is Document {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

const LINE_FORMAT = ' (a .json file holds one document per line, as mongoexport writes, or one JSON array)';

function parse(text: string, where: string, path: string): Document {
  let value: unknown;
  try {
    value = parseExtendedJson(text);
  } catch (error) {
    throw new SeedError(`malformed JSON on ${where} of ${path}: ${messageOf(error)}${where.startsWith('line') ? LINE_FORMAT : ''}`);
  }
  if (!isDocument(value)) throw new SeedError(`${where} of ${path} is not a document (a JSON object): ${text.trim().slice(0, 60)}`);
  return value;
}

export async function* ejsonDocuments(chunks: AsyncIterable<string>, path: string): AsyncGenerator<Document> {
  const iterator = chunks[Symbol.asyncIterator]();
  let text = '';
  let skippedLines = 0;
  // The first character that is not whitespace (or a byte-order mark) decides the form.
  for (;;) {
    const { value, done } = await iterator.next();
    if (done) return;
    text += value;
    const first = text.replace(/^[\s\uFEFF]+/, '');
    if (first.length > 0) {
      skippedLines = text.slice(0, text.length - first.length).split('\n').length - 1;
      text = first;
      break;
    }
  }
  const rest: AsyncIterable<string> = { [Symbol.asyncIterator]: () => iterator };
  if (text.startsWith('[')) yield* arrayElements(text, rest, path, skippedLines + 1);
  else yield* lines(text, rest, path, skippedLines);
}

async function* lines(head: string, rest: AsyncIterable<string>, path: string, linesBefore: number): AsyncGenerator<Document> {
  let pending = head;
  let line = linesBefore;
  const flushLines = function* (final: boolean): Generator<Document> {
    let start = 0;
    for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n', start)) {
      line++;
      const text = pending.slice(start, end);
      if (text.trim() !== '') yield parse(text, `line ${line}`, path);
      start = end + 1;
    }
    pending = pending.slice(start);
    if (final && pending.trim() !== '') yield parse(pending, `line ${++line}`, path);
  };
  yield* flushLines(false);
  for await (const chunk of rest) {
    pending += chunk;
    yield* flushLines(false);
  }
  yield* flushLines(true);
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/**
 * Splits a top-level JSON array into its elements by tracking nesting depth and strings, then
 * parses each element alone.
 */
async function* arrayElements(head: string, rest: AsyncIterable<string>, path: string, firstLine: number): AsyncGenerator<Document> {
  let depth = 1; // the opening [ is skipped below
  let inString = false;
  let escaped = false;
  let ended = false;
  let line = firstLine;
  let count = 0;
  let pieces: string[] = [];
  let inElement = false;
  let elementLine = 0;

  const finish = (text: string, closing: boolean): Document | undefined => {
    const whole = pieces.join('') + text;
    pieces = [];
    inElement = false;
    if (whole.trim() === '') {
      if (closing && count === 0) return undefined;
      throw new SeedError(`malformed JSON on line ${line} of ${path}: an empty array element (a stray comma)`);
    }
    return parse(whole, `element ${++count} (line ${elementLine})`, path);
  };

  const scan = function* (chunk: string): Generator<Document> {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 10) line++;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92) escaped = true;
        else if (c === 34) inString = false;
        continue;
      }
      if (ended) {
        if (!isSpace(c)) throw new SeedError(`malformed JSON on line ${line} of ${path}: unexpected content after the closing ] of the array`);
        continue;
      }
      if (depth === 1) {
        if (c === 44 || c === 93) {
          const document = finish(inElement ? chunk.slice(start, i) : '', c === 93);
          if (document) yield document;
          if (c === 93) ended = true;
          continue;
        }
        if (!inElement && !isSpace(c)) {
          inElement = true;
          start = i;
          elementLine = line;
        }
      }
      if (c === 91 || c === 123) depth++;
      else if (c === 93 || c === 125) depth--;
      else if (c === 34) inString = true;
      if (depth < 1) throw new SeedError(`malformed JSON on line ${line} of ${path}: unbalanced brackets`);
    }
    if (inElement) pieces.push(chunk.slice(start));
  };

  yield* scan(head.slice(1));
  for await (const chunk of rest) yield* scan(chunk);
  if (!ended) throw new SeedError(`malformed JSON in ${path}: the array is not closed (the file ends at line ${line})`);
}

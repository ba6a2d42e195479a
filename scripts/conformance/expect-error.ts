/**
 * expectError: the assertions a test makes about an error an operation raised. Bulk write errors
 * aggregate several server errors, so codes and messages are looked for in each of them, as the
 * format's bulkWrite section requires; client bulk write errors carry the top-level one in `cause`.
 */
import {
  Document,
  MongoBulkWriteError,
  MongoClientBulkWriteError,
  MongoError,
  MongoOperationTimeoutError,
  MongoServerError,
} from 'mongodb';
import { ExpectedError, numberOf } from './format';
import { describe, EntityValues, match } from './matcher';
import { bulkWriteResultDocument, clientBulkWriteResultDocument } from './results';

export interface Finding {
  /** Short and stable, so the report can group tests failing for the same reason. */
  cause: string;
  detail?: string;
}

export function checkError(error: unknown, expected: ExpectedError, entities: EntityValues): Finding | undefined {
  if (!(error instanceof MongoError)) {
    return { cause: `raised a non-driver error (${error instanceof Error ? error.name : typeof error})`, detail: messageOf(error) };
  }
  const summary = `${error.name}${codeText(error)}: ${error.message}`;
  const isServerError = error instanceof MongoServerError && !wrapsClientError(error);
  if (expected.isClientError === true && isServerError) return { cause: 'expected a client-side error, got a server error', detail: summary };
  if (expected.isClientError === false && !isServerError) return { cause: 'expected a server error, got a client-side error', detail: summary };
  if (expected.isTimeoutError === true && !(error instanceof MongoOperationTimeoutError)) return { cause: 'expected a timeout error', detail: summary };
  if (expected.isTimeoutError === false && error instanceof MongoOperationTimeoutError) return { cause: 'unexpected timeout error', detail: summary };

  const top = error instanceof MongoClientBulkWriteError && error.cause instanceof MongoError ? error.cause : error;
  if (expected.errorContains !== undefined) {
    const wanted = expected.errorContains.toLowerCase();
    if (!messagesOf(error).some((message) => message.toLowerCase().includes(wanted))) {
      return { cause: `error message does not contain "${expected.errorContains}"`, detail: summary };
    }
  }
  if (expected.errorCode !== undefined) {
    const wanted = numberOf(expected.errorCode);
    const codes = codesOf(error, top);
    if (!codes.includes(wanted as number)) {
      return { cause: `error code: expected ${wanted}, got ${codes.length ? codes.join('/') : 'none'}${codeNameText(top)}`, detail: summary };
    }
  }
  if (expected.errorCodeName !== undefined) {
    const names = codeNamesOf(error, top).map((name) => name.toLowerCase());
    if (!names.includes(expected.errorCodeName.toLowerCase())) {
      return { cause: `error code name: expected ${expected.errorCodeName}, got ${names.join('/') || 'none'}`, detail: summary };
    }
  }
  for (const label of expected.errorLabelsContain ?? []) {
    if (!top.hasErrorLabel(label)) return { cause: `error label ${label} missing`, detail: summary };
  }
  for (const label of expected.errorLabelsOmit ?? []) {
    if (top.hasErrorLabel(label)) return { cause: `unexpected error label ${label}`, detail: summary };
  }
  if (expected.expectResult !== undefined) {
    const partial = partialResultOf(error);
    const mismatch = match(expected.expectResult, partial, { root: true, entities });
    if (mismatch) return { cause: `partial result mismatch at ${mismatch.path || '(result)'}`, detail: mismatch.message };
  }
  if (expected.errorResponse !== undefined) {
    const mismatch = match(expected.errorResponse, errorResponseOf(top), { root: true, entities });
    if (mismatch) return { cause: `errorResponse mismatch at ${mismatch.path || '(response)'}`, detail: `${mismatch.message}; error: ${summary}` };
  }
  if (expected.writeErrors !== undefined) {
    const found = checkClientWriteErrors(error, expected.writeErrors, entities);
    if (found) return found;
  }
  if (expected.writeConcernErrors !== undefined) {
    const actual = error instanceof MongoClientBulkWriteError ? error.writeConcernErrors : [];
    const mismatch = match(expected.writeConcernErrors, actual, { entities });
    if (mismatch) return { cause: `writeConcernErrors mismatch at ${mismatch.path || '(list)'}`, detail: mismatch.message };
  }
  return undefined;
}

/** A bulk write error the driver raised around a client-side failure (its response is that error). */
function wrapsClientError(error: MongoServerError): boolean {
  const response: unknown = error.errorResponse;
  return error instanceof MongoBulkWriteError && response instanceof MongoError && !(response instanceof MongoServerError);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function codeText(error: MongoError): string {
  return error.code !== undefined ? ` ${String(error.code)}${codeNameText(error)}` : '';
}

function codeNameText(error: MongoError): string {
  const name = (error as MongoServerError).codeName;
  return typeof name === 'string' ? ` (${name})` : '';
}

/** Every message a test may mean: the error's own, then each write error's and write concern error's. */
function messagesOf(error: MongoError): string[] {
  const messages = [error.message];
  if (error instanceof MongoBulkWriteError) {
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    for (const writeError of writeErrors) messages.push(String(writeError?.errmsg ?? ''));
    if (error.err) messages.push(String(error.err.errmsg ?? ''));
  }
  if (error instanceof MongoClientBulkWriteError) {
    if (error.cause instanceof Error) messages.push(error.cause.message);
    for (const writeError of error.writeErrors.values()) messages.push(writeError.message);
  }
  return messages;
}

function codesOf(error: MongoError, top: MongoError): number[] {
  const codes = [numberOf(top.code)];
  if (error instanceof MongoBulkWriteError) {
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    for (const writeError of writeErrors) codes.push(numberOf(writeError?.code));
    if (error.err) codes.push(numberOf(error.err.code));
  }
  return codes.filter((code): code is number => code !== undefined);
}

function codeNamesOf(error: MongoError, top: MongoError): string[] {
  const names = [(top as MongoServerError).codeName];
  if (error instanceof MongoBulkWriteError) {
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    for (const writeError of writeErrors) names.push((writeError?.errInfo as Document | undefined)?.codeName as string | undefined);
  }
  return names.filter((name): name is string => typeof name === 'string');
}

function partialResultOf(error: MongoError): unknown {
  if (error instanceof MongoBulkWriteError) return error.result ? bulkWriteResultDocument(error.result) : undefined;
  if (error instanceof MongoClientBulkWriteError) return error.partialResult ? clientBulkWriteResultDocument(error.partialResult) : undefined;
  return undefined;
}

/** The server's reply as it came, completed by the fields the driver copied onto the error. */
function errorResponseOf(error: MongoError): Document {
  const response: Document = { ...((error as MongoServerError).errorResponse ?? {}) };
  for (const [key, value] of Object.entries(error)) if (!(key in response) && value !== undefined) response[key] = value;
  if (response.code === undefined && error.code !== undefined) response.code = error.code;
  return response;
}

function checkClientWriteErrors(error: MongoError, expected: Document, entities: EntityValues): Finding | undefined {
  if (!(error instanceof MongoClientBulkWriteError)) return { cause: 'expected client bulk write errors', detail: describe(error.message) };
  const actual = new Map([...error.writeErrors.entries()].map(([index, writeError]) => [String(index), writeError]));
  for (const [index, expectedError] of Object.entries(expected)) {
    const writeError = actual.get(index);
    if (!writeError) return { cause: `write error ${index} missing` };
    const mismatch = match(expectedError, { ...writeError }, { root: true, entities });
    if (mismatch) return { cause: `write error ${index} mismatch at ${mismatch.path}`, detail: mismatch.message };
  }
  const extra = [...actual.keys()].filter((index) => !(index in expected));
  if (extra.length > 0) return { cause: `unexpected write error(s) at ${extra.join(', ')}` };
  return undefined;
}

/**
 * Errors the engine answers with, carrying mongod's numeric `code` and `codeName` (from mongod's
 * error_codes.yml) so drivers raise the same MongoServerError a real server would give.
 */
import { BSONError } from 'bson';
import { MingoError } from 'mingo/util';
import { RegexError } from './values/forms';

export const ErrorCode = {
  InternalError: 1,
  BadValue: 2,
  NoSuchKey: 4,
  FailedToParse: 9,
  Unauthorized: 13,
  TypeMismatch: 14,
  IllegalOperation: 20,
  InvalidBSON: 22,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  PathNotViable: 28,
  CannotBackfillArray: 34,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  DollarPrefixedFieldName: 52,
  InvalidIdField: 53,
  NotSingleValueField: 54,
  EmptyFieldName: 56,
  DottedFieldName: 57,
  CommandNotFound: 59,
  ImmutableField: 66,
  CannotCreateIndex: 67,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  OperationFailed: 96,
  NotExactValueField: 111,
  InvalidPipelineOperator: 168,
  CommandNotSupported: 115,
  CannotIndexParallelArrays: 171,
  InvalidIndexSpecificationOption: 197,
  QueryFeatureNotAllowed: 224,
  UnsupportedOpQueryCommand: 352,
  ConversionFailure: 241,
  SearchNotEnabled: 31082,
  DuplicateKey: 11000,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;

const NAME_BY_CODE = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

export class CommandError extends Error {
  readonly code: number;
  readonly codeName: string;
  /** Extra fields for the error reply (keyPattern and keyValue of a duplicate key, …). */
  readonly details: Record<string, unknown>;

  constructor(code: number, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'CommandError';
    this.code = code;
    // Codes without a name in error_codes.yml are "Location<code>" in mongod's replies.
    this.codeName = NAME_BY_CODE.get(code) ?? `Location${code}`;
    this.details = details;
  }

  static of(name: ErrorCodeName, message: string, details?: Record<string, unknown>): CommandError {
    return new CommandError(ErrorCode[name], message, details);
  }

  toReply(): Record<string, unknown> {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.details };
  }

  /** The shape of one entry of `writeErrors`. */
  toWriteError(index: number): Record<string, unknown> {
    return { index, code: this.code, errmsg: this.message, ...this.details };
  }
}

/**
 * Converts anything thrown while running a command into a CommandError. mingo and the bson package
 * throw their own errors for invalid queries, pipelines and values, which mongod reports as
 * BadValue; anything else is a defect of the engine and becomes InternalError (and is logged).
 */
export function asCommandError(error: unknown): { error: CommandError; unexpected: boolean } {
  if (error instanceof CommandError) return { error, unexpected: false };
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof MingoError || error instanceof BSONError || error instanceof RegexError) {
    return { error: CommandError.of('BadValue', message.replace(/^mingo: /, '')), unexpected: false };
  }
  return { error: CommandError.of('InternalError', `internal error in the embedded engine: ${message}`), unexpected: true };
}

/**
 * Errors of the function runtime, with App Services' `error_code` strings (spec §8). They cross
 * the worker boundary as `{ code, message }` and are rebuilt as FunctionError on the main thread,
 * so every caller (client API, endpoints, rules' %function, auth hooks) sees one type.
 */

export type FunctionErrorCode =
  /** Unknown function, or one listed in config.json without a source ("function not found: 'name'"). */
  | 'FunctionNotFound'
  /** The function threw, returned what cannot be returned, or hit a limit; the message says which. */
  | 'FunctionExecutionError'
  /**
   * A private function called directly by a client, or a call its `can_evaluate` refuses
   * (Stitch spelled the code FunctionNotCallable).
   */
  | 'NotCallable'
  /** The runtime cannot do what the call needs (a hook it was not given, a stopped runtime). */
  | 'InternalServerError';

export class FunctionError extends Error {
  /** Console output of the call up to the failure, when it ran at all. */
  logs: string[] = [];

  constructor(
    readonly code: FunctionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FunctionError';
  }

  static notFound(name: string): FunctionError {
    // The wording realm-core's and realm-swift's tests read back from the real server.
    return new FunctionError('FunctionNotFound', `function not found: '${name}'`);
  }

  static execution(message: string): FunctionError {
    return new FunctionError('FunctionExecutionError', message);
  }
}

/** What crosses the thread boundary for a failure. */
export interface SerializedFunctionError {
  code: FunctionErrorCode;
  message: string;
}

export function serializeError(error: FunctionError): SerializedFunctionError {
  return { code: error.code, message: error.message };
}

export function deserializeError(error: SerializedFunctionError, logs: string[]): FunctionError {
  const rebuilt = new FunctionError(error.code, error.message);
  rebuilt.logs = logs;
  return rebuilt;
}

/** The limits, named in the message as the brief and App Services' docs name them. */
export function timeLimitExceeded(timeoutMs: number): FunctionError {
  return FunctionError.execution(`execution time limit exceeded: the function ran longer than ${formatDuration(timeoutMs)}`);
}

export function memoryLimitExceeded(memoryLimitMb: number): FunctionError {
  return FunctionError.execution(`memory limit exceeded: the function used more than ${memoryLimitMb} MB`);
}

/**
 * Nested `context.functions.execute` calls allowed below a top-level call. App Services documents
 * no number; 64 stops runaway recursion long before the stack does, and no real app nests deeper.
 */
export const MAX_CALL_DEPTH = 64;

export function callDepthExceeded(): FunctionError {
  return FunctionError.execution(`function call depth limit exceeded: more than ${MAX_CALL_DEPTH} nested context.functions.execute calls`);
}

function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

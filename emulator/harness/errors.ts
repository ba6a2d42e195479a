/**
 * How harness calls fail: every HTTP error answer becomes a HarnessRequestError carrying App
 * Services' `error_code`, `error` and `link`; the assertion helpers fail with HarnessAssertionError.
 */

/** An HTTP error answer to a harness or AppClient call. */
export class HarnessRequestError extends Error {
  /** The request's entry in the emulator's log (`GET` it for details), when the answer gave one. */
  readonly link?: string;

  constructor(
    readonly status: number,
    readonly errorCode: string,
    /** The answer's `error`, as App Services wrote it. */
    message: string,
    link?: string,
    /** The decoded answer body, as `endpoint()` would have given it. */
    readonly body?: unknown,
    /** Which call got the answer: "POST /app/<id>/endpoint/data/v1/action/insertOne". */
    readonly request?: string,
  ) {
    super(message);
    this.name = 'HarnessRequestError';
    if (link) this.link = link;
  }

  /** A denial as `assertDenied` counts them: 401 (who you are) or 403 (what you may do). */
  get denied(): boolean {
    return this.status === 401 || this.status === 403;
  }

  /** The error of an HTTP answer: App Services' `{error, error_code, link}` body, or whatever came. */
  static fromAnswer(status: number, body: unknown, what: string): HarnessRequestError {
    const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    const code = typeof fields.error_code === 'string' ? fields.error_code : 'HttpError';
    const detail = typeof fields.error === 'string' ? fields.error : typeof body === 'string' && body !== '' ? body.slice(0, 300) : `HTTP ${status}`;
    return new HarnessRequestError(status, code, detail, typeof fields.link === 'string' ? fields.link : undefined, body, what);
  }
}

/** `assertDenied` / `assertAllowed` saw something else than they assert. */
export class HarnessAssertionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HarnessAssertionError';
  }
}

function describeError(error: HarnessRequestError): string {
  return `${error.request ? `${error.request} answered ` : ''}${error.status} ${error.errorCode}: ${error.message}${error.link ? ` (${error.link})` : ''}`;
}

function describe(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return String(value);
  }
}

/**
 * Resolves with the denial (401 or 403). A 400 is not a denial: App Services refuses malformed
 * requests and some rule-checked operators with 400 InvalidParameter, which says nothing about
 * permissions, so it fails the assertion like any other outcome.
 */
export async function assertDenied(promise: Promise<unknown>): Promise<HarnessRequestError> {
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    if (error instanceof HarnessRequestError && error.denied) return error;
    const what = error instanceof HarnessRequestError ? describeError(error) : String(error);
    throw new HarnessAssertionError(`expected the request to be denied (401 or 403), but it failed otherwise: ${what}`, { cause: error });
  }
  throw new HarnessAssertionError(`expected the request to be denied (401 or 403), but it succeeded with ${describe(value)}`);
}

/** Resolves with the value; a denial (401 or 403) fails with what the emulator said; other failures pass through. */
export async function assertAllowed<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof HarnessRequestError && error.denied) {
      throw new HarnessAssertionError(`expected the request to be allowed, but it was denied: ${describeError(error)}`, { cause: error });
    }
    throw error;
  }
}

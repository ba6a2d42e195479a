/**
 * Errors as App Services answers them over HTTP: a status and the body
 * `{"error": "<message>", "error_code": "<Code>", "link": "<URL of the request's log entry>"}`.
 * Everything that fails in a request handler ends up here; nothing else writes an error body.
 */
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { RequestLog } from './request-log';

export class AppServicesError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'AppServicesError';
  }

  static badRequest(errorCode: string, message: string): AppServicesError {
    return new AppServicesError(400, errorCode, message);
  }

  static unauthorized(errorCode: string, message: string): AppServicesError {
    return new AppServicesError(401, errorCode, message);
  }

  static forbidden(errorCode: string, message: string): AppServicesError {
    return new AppServicesError(403, errorCode, message);
  }

  static notFound(errorCode: string, message: string): AppServicesError {
    return new AppServicesError(404, errorCode, message);
  }
}

export interface ErrorBody {
  error: string;
  error_code: string;
  link: string;
}

/** Where a request's log entry can be read: what App Services' `link` points at. */
export function logLink(request: Request): string {
  return `${request.protocol}://${request.get('host')}/_emulator/requests/${request.requestId}`;
}

function bodyOf(request: Request, error: AppServicesError): ErrorBody {
  return { error: error.message, error_code: error.errorCode, link: logLink(request) };
}

/** Any path no route answers. */
export const notFound: RequestHandler = (request, _response, next) => {
  next(AppServicesError.notFound('NotFound', `no route matches ${request.method} ${request.path}`));
};

/** The last middleware: maps what was thrown to a status and an App Services error body. */
export function errorHandler(logger: Logger, log: RequestLog): ErrorRequestHandler {
  return (thrown, request, response, next) => {
    if (response.headersSent) return next(thrown);
    let error: AppServicesError;
    if (thrown instanceof AppServicesError) {
      error = thrown;
    } else if (isBodyParserError(thrown)) {
      // express.json() and friends: a body that is not what its Content-Type says, or too large.
      error =
        thrown.type === 'entity.too.large'
          ? new AppServicesError(413, 'InvalidParameter', `request body is larger than the ${thrown.limit}-byte limit`)
          : AppServicesError.badRequest('InvalidParameter', `invalid request body: ${thrown.message}`);
    } else {
      // A defect, not a user error: the details go to the log, never to the client.
      logger.error({ err: thrown, requestId: request.requestId }, 'request failed with an internal error');
      error = new AppServicesError(500, 'InternalServerError', 'internal server error');
    }
    log.recordError(request.requestId, error);
    response.status(error.status).json(bodyOf(request, error));
  };
}

interface BodyParserError extends Error {
  type: string;
  limit?: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return error instanceof Error && typeof (error as Partial<BodyParserError>).type === 'string' && 'status' in error;
}

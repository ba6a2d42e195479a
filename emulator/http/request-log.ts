/**
 * A bounded, in-memory log of recent requests: one entry per request with what it asked, how it
 * ended and how long it took. Error bodies link to an entry (`/_emulator/requests/<id>`) the way
 * App Services' `link` points at its server log, and the request's log line carries the same id.
 */
import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set for every request before any route runs. */
    requestId: string;
  }
}

export interface RequestLogEntry {
  id: string;
  time: string;
  method: string;
  url: string;
  status?: number;
  durationMs?: number;
  error?: { error: string; error_code: string };
  /** The app function the request ran (functions/call, an HTTPS endpoint) and its console output. */
  function?: { name: string; logs: string[] };
}

export class RequestLog {
  private readonly entries = new Map<string, RequestLogEntry>();

  constructor(private readonly capacity = 1000) {}

  start(method: string, url: string): RequestLogEntry {
    const entry: RequestLogEntry = { id: randomBytes(12).toString('hex'), time: new Date().toISOString(), method, url };
    this.entries.set(entry.id, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return entry;
  }

  get(id: string): RequestLogEntry | undefined {
    return this.entries.get(id);
  }

  recordError(id: string, error: { message: string; errorCode: string }): void {
    const entry = this.entries.get(id);
    if (entry) entry.error = { error: error.message, error_code: error.errorCode };
  }

  recordFunction(id: string, name: string, logs: string[]): void {
    const entry = this.entries.get(id);
    if (entry) entry.function = { name, logs };
  }

  /** Express middleware: gives each request its id and logs one line when the response is sent. */
  middleware(logger: Logger) {
    return (request: Request, response: Response, next: NextFunction): void => {
      const started = process.hrtime.bigint();
      const entry = this.start(request.method, request.originalUrl);
      request.requestId = entry.id;
      response.on('finish', () => {
        entry.status = response.statusCode;
        entry.durationMs = Number(process.hrtime.bigint() - started) / 1e6;
        logger.info(
          { requestId: entry.id, method: entry.method, url: entry.url, status: entry.status, ms: Math.round(entry.durationMs * 10) / 10 },
          `${entry.method} ${entry.url} ${entry.status}`,
        );
      });
      next();
    };
  }
}

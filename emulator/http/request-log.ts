/**
 * A bounded, in-memory log of recent requests: one entry per request with what it asked, how it
 * ended and how long it took. Error bodies link to an entry (`/_emulator/requests/<id>`) the way
 * App Services' `link` points at its server log, and the request's log line carries the same id.
 */
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { AppUser } from '../auth/user';
import type { RulesExplanation } from '../rules/explanation';
import { describeRuleDecision, summarizeRuleDecision } from './rule-decisions';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set for every request before any route runs. */
    requestId: string;
    /** Who the request ran as, once authentication decided it: a user id, or `system` (recordCaller). */
    callerId?: string;
    /**
     * Logs the rule decisions of the request's data operations; set only when the log level is
     * debug, so a request served at info level does not even build them (services/mongodb's `explain`).
     */
    explainRules?: (explanation: RulesExplanation) => void;
  }
}

export interface RequestLogEntry {
  id: string;
  time: string;
  method: string;
  /** The URL as requested, with the value of a `secret` query parameter withheld. */
  url: string;
  status?: number;
  durationMs?: number;
  /** The user id the request ran as, or `system`; absent when it ran as nobody (a login, a refused request). */
  user?: string;
  error?: { error: string; error_code: string };
  /** The app function the request ran (functions/call, an HTTPS endpoint) and its console output. */
  function?: { name: string; logs: string[] };
}

/**
 * 24 hex digits, unguessable (entries are readable by id without credentials). randomUUID draws
 * from a cached entropy pool: randomBytes per request cost 2% of a Data API request's CPU.
 */
function requestId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 24);
}

export class RequestLog {
  private readonly entries = new Map<string, RequestLogEntry>();

  constructor(private readonly capacity = 1000) {}

  start(method: string, url: string): RequestLogEntry {
    const entry: RequestLogEntry = { id: requestId(), time: new Date().toISOString(), method, url: withoutSecrets(url) };
    this.entries.set(entry.id, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return entry;
  }

  get(id: string): RequestLogEntry | undefined {
    return this.entries.get(id);
  }

  /** The entries kept, oldest first; with `since`, those of requests that began at or after it. */
  list(options: { since?: Date } = {}): RequestLogEntry[] {
    const entries = [...this.entries.values()];
    if (!options.since) return entries;
    const since = options.since.getTime();
    return entries.filter((entry) => Date.parse(entry.time) >= since);
  }

  recordError(id: string, error: { message: string; errorCode: string }): void {
    const entry = this.entries.get(id);
    if (entry) entry.error = { error: error.message, error_code: error.errorCode };
  }

  recordFunction(id: string, name: string, logs: string[]): void {
    const entry = this.entries.get(id);
    if (entry) entry.function = { name, logs };
  }

  /**
   * Express middleware: gives each request its id and logs one line when the response is sent
   * (method, route, status, time, user); at debug level also the request's rule decisions, as they
   * are made, and the console output of the function it ran. Headers are never logged: they carry
   * credentials (Authorization, apiKey, passwords).
   */
  middleware(logger: Logger) {
    return (request: Request, response: Response, next: NextFunction): void => {
      const started = process.hrtime.bigint();
      const entry = this.start(request.method, request.originalUrl);
      request.requestId = entry.id;
      if (logger.isLevelEnabled('debug')) {
        request.explainRules = (explanation) => {
          const decision = summarizeRuleDecision(explanation);
          logger.debug({ requestId: entry.id, rules: decision }, describeRuleDecision(decision));
        };
      }
      response.on('finish', () => {
        entry.status = response.statusCode;
        entry.durationMs = Number(process.hrtime.bigint() - started) / 1e6;
        if (request.callerId !== undefined) entry.user = request.callerId;
        if (entry.function && logger.isLevelEnabled('debug')) {
          const { name, logs } = entry.function;
          const lines = logs.length === 0 ? 'no output' : `${logs.length} log line${logs.length === 1 ? '' : 's'}`;
          logger.debug({ requestId: entry.id, function: name, logs }, `function ${name}: ${lines}`);
        }
        if (!logger.isLevelEnabled('info')) return;
        const durationMs = Math.round(entry.durationMs * 10) / 10;
        const fields = { requestId: entry.id, method: entry.method, route: entry.url, status: entry.status, durationMs, user: entry.user, errorCode: entry.error?.error_code };
        const outcome = entry.error ? `${entry.status} ${entry.error.error_code}` : String(entry.status);
        logger.info(fields, `${entry.method} ${entry.url} ${outcome} ${durationMs} ms${entry.user === undefined ? '' : ` user=${entry.user}`}`);
      });
      next();
    };
  }
}

/** Records who a request runs as, for its log line and entry: the user's id, or `system`. */
export function recordCaller(request: Request, user: AppUser, runAsSystem = false): void {
  request.callerId = runAsSystem || user.type === 'system' ? 'system' : user.id;
}

/**
 * The URL with the value of every `secret` query parameter withheld: endpoints validated with
 * SECRET_AS_QUERY_PARAM receive their secret that way, and logs are read by more people than secrets are.
 */
export function withoutSecrets(url: string): string {
  const at = url.indexOf('?');
  if (at === -1) return url;
  const pairs = url
    .slice(at + 1)
    .split('&')
    .map((pair) => (parameterName(pair) === 'secret' && pair.includes('=') ? `${pair.slice(0, pair.indexOf('='))}=[withheld]` : pair));
  return `${url.slice(0, at)}?${pairs.join('&')}`;
}

function parameterName(pair: string): string {
  const name = pair.split('=')[0].replace(/\+/g, ' ');
  try {
    return decodeURIComponent(name).toLowerCase();
  } catch {
    return name.toLowerCase();
  }
}

/**
 * What App Services tells rules (`%%request`) and functions (`context.request`) about the HTTP
 * request being served. The request body is never part of it.
 */
import type { Request } from 'express';

export interface RequestInfo {
  remoteIPAddress: string;
  /** Header name (as sent) → every value sent for it. */
  requestHeaders: Record<string, string[]>;
  httpMethod: string;
  httpReferrer: string;
  httpUserAgent: string;
  /** The query string without its leading `?` (and, for endpoints, without the `secret` pair). */
  rawQueryString: string;
  /** The route of an HTTPS endpoint (docs: "the route of the endpoint"), a legacy webhook's URL path; empty elsewhere. */
  webhookUrl: string;
  /** The service and action being called (`mongodb-atlas` / `find` …), when there is one. */
  service: string;
  action: string;
}

export function requestInfo(request: Request, overrides: Partial<RequestInfo> = {}): RequestInfo {
  const requestHeaders: Record<string, string[]> = {};
  // rawHeaders keeps the names as the client spelled them, and every repeated value.
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i];
    (requestHeaders[name] ??= []).push(request.rawHeaders[i + 1]);
  }
  const url = request.originalUrl;
  const query = url.indexOf('?');
  return {
    remoteIPAddress: request.ip ?? request.socket.remoteAddress ?? '',
    requestHeaders,
    httpMethod: request.method,
    httpReferrer: request.get('referer') ?? '',
    httpUserAgent: request.get('user-agent') ?? '',
    rawQueryString: query === -1 ? '' : url.slice(query + 1),
    webhookUrl: '',
    service: '',
    action: '',
    ...overrides,
  };
}

/** A request-less context: functions and services called from tests, the harness or other functions. */
export const NO_REQUEST: RequestInfo = Object.freeze({
  remoteIPAddress: '',
  requestHeaders: Object.freeze({}) as Record<string, string[]>,
  httpMethod: '',
  httpReferrer: '',
  httpUserAgent: '',
  rawQueryString: '',
  webhookUrl: '',
  service: '',
  action: '',
});

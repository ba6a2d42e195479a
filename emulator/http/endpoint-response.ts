/**
 * The HTTP response of an HTTPS endpoint, from what its function returned and what it wrote to
 * its `response` object (spec §4.2). Precedence, the emulator's reading where the spec marks
 * App Services' behaviour UNCONFIRMED or conflicting:
 *
 *  1. A body set with `setBody` is the body, whatever the function returned and whatever
 *     `respond_result` says (UNCONFIRMED in the docs; an explicit body is the function saying what
 *     to answer). Status: the one set with `setStatusCode`, else 200.
 *  2. Otherwise, with `respond_result: true`, the return value is the body, serialized as the
 *     `Accept` header asks (`application/json` or `application/ejson`), else as the endpoint's
 *     `return_type` (response-format.ts). A function that returns nothing answers `null` in JSON
 *     and `{"$undefined":true}` in EJSON. Status: the one set, else 200. The function's own
 *     `Content-Type` header is kept; without one, the format's is sent.
 *  3. Otherwise (`respond_result: false`, no body set) the return value is ignored and the answer
 *     has no body. Status: the one set, else 204 No Content. (The docs' config page says 204; the
 *     webhook conversion page implies a set status is still returned: both hold this way.)
 *
 * Headers set with `setHeader`/`addHeader` are sent as written, except the ones that describe the
 * connection or the framing of the body (Content-Length, Transfer-Encoding …): those are the
 * server's, and a wrong one would break the response.
 */
import type { Request, Response } from 'express';
import type { EndpointDefinition } from '../app';
import type { EndpointCallResult } from '../functions';
import { EJSON_CONTENT_TYPE, JSON_CONTENT_TYPE, responseFormat, toJsonText } from './response-format';

const SERVER_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'trailer']);

export function writeEndpointResponse(request: Request, response: Response, endpoint: EndpointDefinition, outcome: EndpointCallResult): void {
  const written = outcome.response;
  for (const [name, values] of Object.entries(written.headers)) {
    if (!SERVER_HEADERS.has(name.toLowerCase())) response.setHeader(name, values.length === 1 ? values[0] : values);
  }
  if (written.body !== undefined) {
    response.status(written.statusCode ?? 200).end(Buffer.from(written.body));
    return;
  }
  if (endpoint.respondResult) {
    const format = responseFormat(request, endpoint.returnType);
    if (!response.getHeader('content-type')) response.setHeader('Content-Type', `${format === 'EJSON' ? EJSON_CONTENT_TYPE : JSON_CONTENT_TYPE}; charset=utf-8`);
    // The runtime's canonical EJSON already follows App Services' number conventions.
    response.status(written.statusCode ?? 200).end(format === 'EJSON' ? outcome.resultEJSON : toJsonText(outcome.result));
    return;
  }
  response.status(written.statusCode ?? 204).end();
}

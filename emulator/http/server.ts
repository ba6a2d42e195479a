/**
 * The emulator's HTTP server: the URL layout of App Services on one host.
 *
 *   /app/<app-id>/endpoint/...                  Data API and custom HTTPS endpoints
 *   /api/client/v2.0/app/<app-id>/...           the client API SDKs call (login, functions/call),
 *                                               and legacy incoming webhooks (…/service/<svc>/incoming_webhook/<name>)
 *   /api/client/v2.0/auth/...                   sessions and profiles (no app id in the path)
 *   /api/admin/v3.0/...                         the Admin API subset
 *   /_emulator/...                              the emulator's own routes (health, request log, mailbox,
 *                                               the test harness's: data reset, JWTs, explain)
 *
 * Middleware order: request id and log line; on the app's routes (`/app/<app-id>`, the client API)
 * the IP access list and `allowed_request_origins`, never on the emulator's own routes or the
 * Admin API (which manages the list); then the routes (each parses its own body: the Data API
 * verifies signatures over the raw bytes), then JSON 404s, then the one error handler.
 * The client address is the socket's, or X-Forwarded-For's when `trustProxy` trusts the proxy.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { Express, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { AppDefinition } from '../app';
import type { AuthService } from '../auth';
import type { FunctionRuntime } from '../functions';
import type { ConnectedMongo } from '../mongo/connect';
import type { SeedResult } from '../mongo/seed';
import { adminApiRouter, mailboxRouter } from './admin-api';
import { clientApiRouter } from './client-api';
import { dataApiRouter } from './data-api';
import { emulatorApiRouter } from './emulator-api';
import { customEndpointsRouter, incomingWebhooksRouter } from './endpoints';
import { AppServicesError, errorHandler, notFound } from './errors';
import { functionCallsRouter } from './function-calls';
import { allowedOrigins, type IpAccessList } from './ip-access';
import type { CallerDependencies } from './request-auth';
import { RequestLog } from './request-log';

export interface HttpContext {
  appId: string;
  definition: AppDefinition;
  mongo: ConnectedMongo;
  auth: AuthService;
  logger: Logger;
  startedAt: Date;
  /** Who calls the Data API and custom endpoints: the app, auth, and the functions runtime's hooks. */
  callers: CallerDependencies;
  /** Runs the app's functions: functions/call, HTTPS endpoints. */
  functions: FunctionRuntime;
  /** The app's IP access list, checked on the app's routes. */
  accessList: IpAccessList;
  /** express's `trust proxy`: the proxies whose X-Forwarded-For names the client (addresses, CIDRs, `loopback`). */
  trustProxy?: string;
  /** The log error bodies link to; the emulator's, so it outlives a hot reload's new express app. */
  requestLog?: RequestLog;
  /** Seeds the database again with the emulator's seed specs: `DELETE /_emulator/data?reseed=true`. */
  reseed?: () => Promise<SeedResult[]>;
}

/** Requests for another app than the one served get App Services' answer for an unknown app. */
function knownApp(appId: string): RequestHandler {
  return (request, _response, next) => {
    if (request.params.appId !== appId) {
      next(AppServicesError.notFound('AppNotFound', `cannot find app using Client App ID '${request.params.appId}'`));
      return;
    }
    next();
  };
}

export function createHttpApp(context: HttpContext): { app: Express; requestLog: RequestLog } {
  const requestLog = context.requestLog ?? new RequestLog();
  const app = express();
  app.disable('x-powered-by');
  // App Services sends no ETag, and hashing every answer's body is work on every request.
  app.set('etag', false);
  if (context.trustProxy !== undefined) app.set('trust proxy', context.trustProxy);
  app.use(requestLog.middleware(context.logger));

  app.get('/_emulator/health', async (_request, response) => {
    const database = await context.mongo.client
      .db('admin')
      .command({ ping: 1 })
      .then(
        () => ({ reachable: true }),
        (error: Error) => ({ reachable: false, error: error.message }),
      );
    response.status(database.reachable ? 200 : 503).json({
      status: database.reachable ? 'ok' : 'unavailable',
      appId: context.appId,
      uptimeSeconds: Math.round((Date.now() - context.startedAt.getTime()) / 1000),
      mongodb: { backend: context.mongo.kind, ...database },
    });
  });

  app.get('/_emulator/requests/:id', (request, response, next) => {
    const entry = requestLog.get(request.params.id);
    if (!entry) {
      next(AppServicesError.notFound('NotFound', `no request ${request.params.id} in the emulator's log (it keeps the last 1000)`));
      return;
    }
    response.json(entry);
  });

  app.use('/_emulator/mailbox', mailboxRouter(context.auth));
  app.use(
    '/_emulator',
    emulatorApiRouter({
      appId: context.appId,
      definition: context.definition,
      client: context.mongo.client,
      auth: context.auth,
      requestLog,
      ruleFunctions: context.callers.ruleFunctions,
      reseed: context.reseed,
    }),
  );

  app.use(['/app/:appId', '/api/client/v2.0'], context.accessList.middleware(), allowedOrigins(context.definition.allowedRequestOrigins));
  app.use('/app/:appId', knownApp(context.appId));
  app.use('/app/:appId/endpoint/data', dataApiRouter({ definition: context.definition, client: context.mongo.client, callers: context.callers }));
  const endpoints = { definition: context.definition, functions: context.functions, callers: context.callers, requestLog };
  app.use('/app/:appId/endpoint', customEndpointsRouter(endpoints));
  app.use('/api/client/v2.0/app/:appId', knownApp(context.appId));
  app.use('/api/client/v2.0', clientApiRouter(context.auth, context.definition));
  app.use(
    '/api/client/v2.0',
    functionCallsRouter({ definition: context.definition, auth: context.auth, functions: context.functions, client: context.mongo.client, ruleFunctions: context.callers.ruleFunctions, requestLog }),
    incomingWebhooksRouter(endpoints),
  );
  app.use('/api/admin/v3.0', adminApiRouter(context.auth, context.definition, context.accessList));

  app.use(notFound);
  app.use(errorHandler(context.logger, requestLog));
  return { app, requestLog };
}

export interface ListeningServer {
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

/** Listens, and closes cleanly: no new connections, open keep-alive connections dropped. */
export async function listen(app: http.RequestListener, port: number, host: string): Promise<ListeningServer> {
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    server,
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

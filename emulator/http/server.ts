/**
 * The emulator's HTTP server: the URL layout of App Services on one host.
 *
 *   /app/<app-id>/endpoint/...                  Data API and custom HTTPS endpoints
 *   /api/client/v2.0/app/<app-id>/...           the client API SDKs call (login, functions/call)
 *   /api/client/v2.0/auth/...                   sessions and profiles (no app id in the path)
 *   /api/admin/v3.0/...                         the Admin API subset
 *   /_emulator/...                              the emulator's own routes (health, request log, mailbox)
 *
 * Middleware order: request id and log line, then the routes (each parses its own body: the Data
 * API verifies signatures over the raw bytes), then JSON 404s, then the one error handler.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { Express, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { AppDefinition } from '../app';
import type { AuthService } from '../auth';
import type { ConnectedMongo } from '../mongo/connect';
import { adminApiRouter, mailboxRouter } from './admin-api';
import { clientApiRouter } from './client-api';
import { AppServicesError, errorHandler, notFound } from './errors';
import { RequestLog } from './request-log';

export interface HttpContext {
  appId: string;
  definition: AppDefinition;
  mongo: ConnectedMongo;
  auth: AuthService;
  logger: Logger;
  startedAt: Date;
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
  const requestLog = new RequestLog();
  const app = express();
  app.disable('x-powered-by');
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

  app.use('/app/:appId', knownApp(context.appId));
  app.use('/api/client/v2.0/app/:appId', knownApp(context.appId));
  app.use('/api/client/v2.0', clientApiRouter(context.auth, context.definition));
  app.use('/api/admin/v3.0', adminApiRouter(context.auth, context.definition));

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
export async function listen(app: Express, port: number, host: string): Promise<ListeningServer> {
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

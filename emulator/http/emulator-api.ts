/**
 * The emulator's routes for test harnesses, under `/_emulator`, so a test runner in another process
 * (jest workers, pytest, a shell script) can do over HTTP what the in-process harness does:
 *
 *   DELETE /_emulator/data[?users=true][&reseed=true]   drops the app's data (mongo/reset.ts);
 *                     → {databases: [dropped], users: <deleted>, seeded?: [{source, collections, milliseconds}]}
 *   POST   /_emulator/jwt      {claims, expiresIn?, provider?} → {token, provider}: a JWT the app's
 *                     custom-token provider accepts (auth/providers/custom-token-signing.ts)
 *   POST   /_emulator/explain  {user: <user id> | "system", action, request: <Data API body>}
 *                     → the rules' explanation with the result or error (explain.ts); EJSON both ways
 *   GET    /_emulator/requests[?since=<ISO date>]       the request log, oldest first
 *
 * Every one needs admin credentials, as the mailbox does (admin-api.ts `requireAdmin`): they drop
 * data, mint tokens and read other users' requests.
 */
import express, { Router } from 'express';
import type { MongoClient } from 'mongodb';
import type { AppDefinition } from '../app';
import type { AuthService } from '../auth';
import { signCustomJwt } from '../auth/providers/custom-token-signing';
import { resetAppData } from '../mongo/reset';
import type { SeedResult } from '../mongo/seed';
import type { RuleFunctionHook } from '../rules';
import { requireAdmin } from './admin-api';
import { bodyOf } from './client-api';
import { bodyFormat, parseBody, rawBodyOf, readRawBody } from './data-api/body';
import { AppServicesError } from './errors';
import { explainAction } from './explain';
import { requestInfo } from './request-info';
import type { RequestLog } from './request-log';
import { formatBody } from './response-format';

export interface EmulatorApiContext {
  appId: string;
  definition: AppDefinition;
  client: MongoClient;
  auth: AuthService;
  requestLog: RequestLog;
  ruleFunctions?: RuleFunctionHook;
  /** Seeds the database again with the emulator's seed specs (`--seed`); absent, `reseed` seeds nothing. */
  reseed?: () => Promise<SeedResult[]>;
}

function flag(value: unknown, name: string): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true' || value === '') return true;
  throw AppServicesError.badRequest('InvalidParameter', `"${name}" must be true or false`);
}

export function emulatorApiRouter(context: EmulatorApiContext): Router {
  const router = Router();
  const admin = requireAdmin(context.auth);
  const json = express.json({ limit: '1mb', type: () => true });

  router.delete('/data', admin, async (request, response) => {
    const users = flag(request.query.users, 'users');
    const reseed = flag(request.query.reseed, 'reseed');
    const result = await resetAppData(context.client, context.appId, { users });
    if (users) context.auth.forgetRememberedLogins();
    const seeded = reseed ? await (context.reseed?.() ?? Promise.resolve([])) : undefined;
    response.json({ ...result, ...(seeded && { seeded: seeded.map(({ source, collections, milliseconds }) => ({ source, collections, milliseconds })) }) });
  });

  router.post('/jwt', admin, json, (request, response) => {
    const body = bodyOf(request);
    const claims = body.claims ?? {};
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
      throw AppServicesError.badRequest('InvalidParameter', 'expected {"claims": {…}, "expiresIn"?: <seconds or "1h">, "provider"?: "<custom-token provider name>"}');
    }
    const expiresIn = body.expiresIn;
    if (expiresIn !== undefined && typeof expiresIn !== 'string' && typeof expiresIn !== 'number') {
      throw AppServicesError.badRequest('InvalidParameter', '"expiresIn" must be a number of seconds or a span such as "10m"');
    }
    if (body.provider !== undefined && typeof body.provider !== 'string') throw AppServicesError.badRequest('InvalidParameter', '"provider" must be a string');
    response.json(signCustomJwt(context.definition, claims as Record<string, unknown>, { expiresIn, provider: body.provider as string | undefined }));
  });

  router.post('/explain', admin, readRawBody, async (request, response) => {
    const body = parseBody(rawBodyOf(request), bodyFormat(request));
    const answer = await explainAction(
      { definition: context.definition, client: context.client, auth: context.auth, ruleFunctions: context.ruleFunctions },
      body,
      requestInfo(request),
    );
    const { body: text, contentType } = formatBody(answer, 'EJSON');
    response.status(200).set('Content-Type', contentType).send(text);
  });

  router.get('/requests', admin, (request, response) => {
    const given = request.query.since;
    let since: Date | undefined;
    if (given !== undefined) {
      since = typeof given === 'string' ? new Date(given) : new Date(NaN);
      if (Number.isNaN(since.getTime())) throw AppServicesError.badRequest('InvalidParameter', '"since" must be a date, such as 2024-01-31T12:00:00.000Z');
    }
    response.json(context.requestLog.list({ since }));
  });

  return router;
}

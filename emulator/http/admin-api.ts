/**
 * The part of the App Services Admin API (v3.0) that manages users and API keys, at
 * /api/admin/v3.0 with App Services' paths and bodies, so scripts written for it (realm-cli,
 * curl, the Admin API's generated clients) work against the emulator:
 *
 *   POST auth/providers/mongodb-cloud/login {username: <public key>, apiKey: <private key>}
 *        → {access_token, refresh_token, user_id, device_id}; POST auth/session → {access_token}
 *   GET  groups/<g>/apps                    this app, as [{_id, client_app_id, name, …}]
 *   GET  groups/<g>/apps/<app>              <app> is the `_id` from that list or the client app id
 *   …/api_keys        POST {name} → 201 {_id, key, name, disabled}; GET; GET|DELETE <id>; PUT <id>/enable|disable
 *   …/users           POST {email, password} → 201 user; GET; GET|DELETE <uid>; PUT <uid>/enable|disable|logout
 *   …/users/verify_token {token}
 *   …/user_registrations/by_email/<email>/confirm (POST), …/by_email/<email> (DELETE)
 *   …/security/access_list  GET → {current_ip, allowed_ips: [{_id, address, comment, includes_current}]};
 *                           POST {address | use_current, comment} → 201 entry; PATCH|DELETE <id> (200 entry | 204)
 *
 * The key pair is the emulator's `--admin-key`. The same authentication guards the emulator's
 * mailbox (`/_emulator/mailbox`), which holds password-reset tokens: an admin access token as
 * Bearer, or the key pair as HTTP Basic credentials (`curl -u <public>:<private>`).
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response, Router } from 'express';
import type { AppDefinition } from '../app';
import type { AuthService } from '../auth';
import { authErrors } from '../auth/errors';
import { requireBearerToken } from './bearer';
import { bodyOf } from './client-api';
import { AppServicesError } from './errors';
import { type AccessListEntry, displayAddress, entryIncludes, type IpAccessList } from './ip-access';

export function adminApiRouter(auth: AuthService, definition: AppDefinition, accessList: IpAccessList): Router {
  const router = Router();
  const json = express.json({ limit: '1mb', type: () => true });

  router.post('/auth/providers/mongodb-cloud/login', json, async (request, response) => {
    const body = bodyOf(request);
    const tokens = await auth.adminLogin(body.username, body.apiKey);
    response.json({ access_token: tokens.accessToken, refresh_token: tokens.refreshToken, user_id: auth.adminKey.publicKey, device_id: '000000000000000000000000' });
  });
  router.post('/auth/session', async (request, response) => {
    response.status(201).json({ access_token: await auth.adminRefresh(requireBearerToken(request)) });
  });
  router.delete('/auth/session', (_request, response) => {
    // Admin sessions are stateless: their tokens simply expire.
    response.status(204).end();
  });

  const admin = async (request: Request, _response: Response, next: NextFunction) => {
    await auth.verifyAdminAccessToken(requireBearerToken(request));
    next();
  };
  router.use('/groups', admin);

  const appView = (groupId: string) => ({
    _id: auth.appObjectId,
    client_app_id: definition.meta.appId,
    name: definition.meta.name,
    location: definition.meta.location ?? 'US-VA',
    deployment_model: definition.meta.deploymentModel ?? 'GLOBAL',
    domain_id: auth.domainId,
    group_id: groupId,
    environment: definition.environment.tag,
    product: 'standard',
  });
  router.get('/groups/:groupId/apps', (request, response) => {
    response.json([appView(request.params.groupId)]);
  });

  const app = Router({ mergeParams: true });
  router.use('/groups/:groupId/apps/:app', (request, _response, next) => {
    const id = request.params.app;
    if (id !== auth.appObjectId && id !== definition.meta.appId) {
      next(AppServicesError.notFound('AppNotFound', `app not found: '${id}'`));
      return;
    }
    next();
  }, app);

  app.get('/', (request, response) => {
    response.json(appView((request.params as Record<string, string>).groupId));
  });

  app.post('/api_keys', json, async (request, response) => {
    const name = bodyOf(request).name;
    // A missing or non-string name is refused by createServerApiKey as an empty one.
    response.status(201).json(await auth.createServerApiKey(typeof name === 'string' ? name : ''));
  });
  app.get('/api_keys', async (_request, response) => {
    response.json(await auth.serverApiKeys.list());
  });
  app.get('/api_keys/:keyId', async (request, response) => {
    response.json(await auth.serverApiKeys.get(request.params.keyId as string));
  });
  app.delete('/api_keys/:keyId', async (request, response) => {
    await auth.serverApiKeys.delete(request.params.keyId as string);
    response.status(204).end();
  });
  app.put('/api_keys/:keyId/enable', async (request, response) => {
    await auth.serverApiKeys.enable(request.params.keyId as string);
    response.status(204).end();
  });
  app.put('/api_keys/:keyId/disable', async (request, response) => {
    await auth.serverApiKeys.disable(request.params.keyId as string);
    response.status(204).end();
  });

  app.post('/users', json, async (request, response) => {
    const body = bodyOf(request);
    response.status(201).json(await auth.createEmailUser(body.email, body.password));
  });
  app.get('/users', async (_request, response) => {
    response.json(await auth.listUsers());
  });
  app.post('/users/verify_token', json, async (request, response) => {
    const token = bodyOf(request).token;
    if (typeof token !== 'string') throw authErrors.invalidParameter('expected a token (string) in the body');
    response.json(await auth.verifyToken(token));
  });
  app.get('/users/:userId', async (request, response) => {
    response.json(await auth.getUser(request.params.userId as string));
  });
  app.delete('/users/:userId', async (request, response) => {
    await auth.deleteUser(request.params.userId as string);
    response.status(204).end();
  });
  app.put('/users/:userId/enable', async (request, response) => {
    await auth.setUserDisabled(request.params.userId as string, false);
    response.status(204).end();
  });
  app.put('/users/:userId/disable', async (request, response) => {
    await auth.setUserDisabled(request.params.userId as string, true);
    response.status(204).end();
  });
  app.put('/users/:userId/logout', async (request, response) => {
    await auth.logoutUser(request.params.userId as string);
    response.status(204).end();
  });

  // The IP access list, with realm-cli's shapes and statuses (accessList create/list/update/delete):
  // GET 200, POST 201 with the entry, PATCH 200, DELETE 204.
  const currentIp = (request: Request) => displayAddress(request.ip ?? request.socket.remoteAddress ?? '');
  const entryView = (entry: AccessListEntry, current: string) => ({
    _id: entry._id.toHexString(),
    address: entry.address,
    comment: entry.comment,
    includes_current: entryIncludes(entry.address, current),
  });
  const optionalString = (value: unknown, field: string): string | undefined => {
    if (value === undefined || typeof value === 'string') return value;
    throw AppServicesError.badRequest('InvalidParameter', `"${field}" must be a string`);
  };
  app.get('/security/access_list', (request, response) => {
    const current = currentIp(request);
    response.json({ current_ip: current, allowed_ips: accessList.list().map((entry) => entryView(entry, current)) });
  });
  app.post('/security/access_list', json, async (request, response) => {
    const body = bodyOf(request);
    const current = currentIp(request);
    const address = optionalString(body.address, 'address') || (body.use_current === true ? current : undefined);
    if (!address) throw AppServicesError.badRequest('InvalidParameter', 'expected {"address": "<IP address or CIDR block>", "comment": "…"} (or "use_current": true)');
    const entry = await accessList.add(address, optionalString(body.comment, 'comment') ?? '');
    response.status(201).json(entryView(entry, current));
  });
  app.patch('/security/access_list/:entryId', json, async (request, response) => {
    const body = bodyOf(request);
    const changes: { address?: string; comment?: string } = {};
    const address = optionalString(body.address, 'address');
    const comment = optionalString(body.comment, 'comment');
    if (address) changes.address = address;
    if (comment !== undefined) changes.comment = comment;
    if (Object.keys(changes).length === 0) throw AppServicesError.badRequest('InvalidParameter', 'expected {"address": "<IP address or CIDR block>"} and/or {"comment": "…"}');
    const entry = await accessList.update(request.params.entryId as string, changes);
    response.json(entryView(entry, currentIp(request)));
  });
  app.delete('/security/access_list/:entryId', async (request, response) => {
    await accessList.remove(request.params.entryId as string);
    response.status(204).end();
  });

  app.post('/user_registrations/by_email/:email/confirm', async (request, response) => {
    await auth.confirmPendingUser(request.params.email as string);
    response.status(204).end();
  });
  app.delete('/user_registrations/by_email/:email', async (request, response) => {
    await auth.deletePendingUser(request.params.email as string);
    response.status(204).end();
  });

  return router;
}

/**
 * /_emulator/mailbox: GET lists the messages App Services would have emailed (`?to=<email>` keeps
 * one recipient's), DELETE empties it. Admin credentials required: the messages hold reset tokens.
 */
export function mailboxRouter(auth: AuthService): Router {
  const router = Router();
  router.use(requireAdmin(auth));
  router.get('/', async (request, response) => {
    const to = typeof request.query.to === 'string' ? request.query.to : undefined;
    response.json(await auth.mailbox.list({ to }));
  });
  router.delete('/', async (_request, response) => {
    response.json({ deleted: await auth.mailbox.clear() });
  });
  return router;
}

/**
 * The emulator's admin-only routes (the mailbox, `/_emulator/data` …): an admin access token as
 * Bearer, or the key pair as HTTP Basic credentials (`curl -u <public>:<private>`).
 */
export function requireAdmin(auth: AuthService): RequestHandler {
  return async (request, _response, next) => {
    const basic = /^Basic\s+(\S+)\s*$/i.exec(request.get('authorization') ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      await auth.adminLogin(decoded.slice(0, colon === -1 ? decoded.length : colon), colon === -1 ? '' : decoded.slice(colon + 1));
    } else {
      await auth.verifyAdminAccessToken(requireBearerToken(request));
    }
    next();
  };
}

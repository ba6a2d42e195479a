/**
 * The client API SDKs call (realm-web, realm-core), mounted at /api/client/v2.0 (spec §6 and
 * /work/shared/spec/REALM_WEB_CLIENT.md):
 *
 *   GET    app/<id>/location                                   where the app is served
 *   POST   app/<id>/auth/providers/<name>/login[?link=true]    → {access_token, refresh_token, user_id, device_id}
 *   POST   app/<id>/auth/providers/local-userpass/{register, confirm, confirm/send, confirm/call,
 *                                                   reset, reset/send, reset/call}
 *   GET    auth/profile                       (access token)
 *   POST   auth/session  → {access_token}     (refresh token)   DELETE auth/session (logout)
 *   DELETE auth/delete                       (access token)
 *   POST|GET auth/api_keys, GET|DELETE auth/api_keys/<id>, PUT auth/api_keys/<id>/{enable,disable}
 *                                            (refresh token, as realm-web sends it)
 *
 * Statuses of successful calls: App Services' where SDK tests show them (201 for a created API
 * key); elsewhere the emulator's choice: 200 with a body, 201 for registration and refresh, 204 for
 * calls that answer nothing (realm-web reads a body-less answer as null; realm-core accepts any 2xx).
 */
import express, { type Request, Router } from 'express';
import type { AppDefinition } from '../app';
import type { AuthService } from '../auth';
import { bearerToken, requireBearerToken } from './bearer';
import { recordCaller } from './request-log';

/** Custom JWTs may be up to 1,000,000 characters (docs: custom-jwt). */
const BODY_LIMIT = '2mb';

export function clientApiRouter(auth: AuthService, definition: AppDefinition): Router {
  const router = Router();
  // Per route, not router.use: other routers under /api/client/v2.0 (functions/call) read their
  // own bodies. SDKs send JSON; a body without a Content-Type is read as JSON too.
  const json = express.json({ limit: BODY_LIMIT, type: () => true });

  router.get('/app/:appId/location', (request, response) => {
    const hostname = `${request.protocol}://${request.get('host')}`;
    response.json({
      deployment_model: definition.meta.deploymentModel ?? 'GLOBAL',
      location: definition.meta.location ?? 'US-VA',
      hostname,
      ws_hostname: hostname.replace(/^http/, 'ws'),
    });
  });

  router.post('/app/:appId/auth/providers/:provider/login', json, async (request, response) => {
    const body = bodyOf(request);
    const linking = request.query.link === 'true';
    const result = await auth.login(request.params.provider, body, {
      linkTo: linking ? requireBearerToken(request) : undefined,
      device: (body.options as { device?: unknown } | undefined)?.device,
    });
    recordCaller(request, result.user);
    response.json({ access_token: result.accessToken, refresh_token: result.refreshToken, user_id: result.user.id, device_id: result.deviceId });
  });

  const userpass = (request: Request) => auth.userpass(request.params.provider as string);
  const provider = '/app/:appId/auth/providers/:provider';

  router.post(`${provider}/register`, json, async (request, response) => {
    const body = bodyOf(request);
    await userpass(request).register(body.email, body.password);
    response.status(201).end();
  });
  router.post(`${provider}/confirm`, json, async (request, response) => {
    const body = bodyOf(request);
    await userpass(request).confirm(body.token, body.tokenId);
    response.status(204).end();
  });
  router.post(`${provider}/confirm/send`, json, async (request, response) => {
    await userpass(request).resendConfirmation(bodyOf(request).email);
    response.status(204).end();
  });
  router.post(`${provider}/confirm/call`, json, async (request, response) => {
    await userpass(request).retryConfirmationFunction(bodyOf(request).email);
    response.status(204).end();
  });
  router.post(`${provider}/reset`, json, async (request, response) => {
    const body = bodyOf(request);
    await userpass(request).resetPassword(body.password, body.token, body.tokenId);
    response.status(204).end();
  });
  router.post(`${provider}/reset/send`, json, async (request, response) => {
    await userpass(request).sendPasswordReset(bodyOf(request).email);
    response.status(204).end();
  });
  router.post(`${provider}/reset/call`, json, async (request, response) => {
    const body = bodyOf(request);
    await userpass(request).callResetFunction(body.email, body.password, body.arguments);
    response.status(204).end();
  });

  router.get('/auth/profile', async (request, response) => {
    response.json(await auth.profile(requireBearerToken(request)));
  });

  router.post('/auth/session', async (request, response) => {
    const { accessToken, userId } = await auth.refreshAccessToken(requireBearerToken(request));
    request.callerId = userId;
    response.status(201).json({ access_token: accessToken, user_id: userId });
  });

  router.delete('/auth/session', async (request, response) => {
    // Logging out without a token has nothing to end: answered like a logout that succeeded.
    const token = bearerToken(request);
    if (token) await auth.logout(token);
    response.status(204).end();
  });

  router.delete('/auth/delete', async (request, response) => {
    await auth.deleteSelf(requireBearerToken(request));
    response.status(204).end();
  });

  const keysOf = (request: Request) => auth.userApiKeys(requireBearerToken(request));
  router.post('/auth/api_keys', json, async (request, response) => {
    response.status(201).json(await (await keysOf(request)).create(bodyOf(request).name));
  });
  router.get('/auth/api_keys', async (request, response) => {
    response.json(await (await keysOf(request)).list());
  });
  router.get('/auth/api_keys/:keyId', async (request, response) => {
    response.json(await (await keysOf(request)).get(request.params.keyId));
  });
  router.delete('/auth/api_keys/:keyId', async (request, response) => {
    await (await keysOf(request)).delete(request.params.keyId);
    response.status(204).end();
  });
  router.put('/auth/api_keys/:keyId/enable', async (request, response) => {
    await (await keysOf(request)).enable(request.params.keyId);
    response.status(204).end();
  });
  router.put('/auth/api_keys/:keyId/disable', async (request, response) => {
    await (await keysOf(request)).disable(request.params.keyId);
    response.status(204).end();
  });

  return router;
}

/** The JSON body as an object; no body (or a non-object) is `{}`. */
export function bodyOf(request: Request): Record<string, unknown> {
  const body: unknown = request.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}


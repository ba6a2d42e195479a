/**
 * `Authorization: Bearer <token>`: how SDKs send access and refresh tokens (realm-web Fetcher),
 * and how the Admin API and the Data API receive theirs.
 */
import type { Request } from 'express';
import { authErrors } from '../auth/errors';

/** The bearer token, or undefined when the request has none. */
export function bearerToken(request: Request): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.get('authorization') ?? '');
  return match?.[1];
}

/** The bearer token; without one the request is refused as App Services does ("must authenticate first"). */
export function requireBearerToken(request: Request): string {
  const token = bearerToken(request);
  if (!token) throw authErrors.mustAuthenticate();
  return token;
}

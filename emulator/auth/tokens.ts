/**
 * Access tokens, refresh tokens and the sessions behind them.
 *
 * Both tokens are HS256 JWTs, as App Services issues them (spec §6): access tokens last 30 minutes
 * and carry `sub`, `exp`, `iat`, the session (`iss`), device and domain ids and the custom user
 * data (`user_data`), which realm-web decodes client-side as `user.customData`; refresh tokens last
 * 60 days and name a session, which logout deletes. Access tokens are not checked against their
 * session: App Services lets them run to expiry after a logout (spec §6), and so does the emulator.
 *
 * The signing key is made once per app and stored in the internal database with an upsert, so
 * tokens survive a restart where the data does and processes sharing a database accept each
 * other's tokens.
 */
import { randomBytes } from 'node:crypto';
import jwt, { JsonWebTokenError, TokenExpiredError } from 'jsonwebtoken';
import { ObjectId } from 'mongodb';
import { authErrors } from './errors';
import type { AuthStore, SessionDocument } from './store';
import { isDuplicateKey } from './store';
import type { UserIdentity } from './user';

export interface TokenLifetimes {
  accessTokenSeconds: number;
  refreshTokenSeconds: number;
}

export const DEFAULT_LIFETIMES: TokenLifetimes = { accessTokenSeconds: 30 * 60, refreshTokenSeconds: 60 * 24 * 60 * 60 };

/** spec §1.3: anonymous refresh tokens "effectively never expire" (a sample token had a ~50-year exp). */
const ANONYMOUS_REFRESH_SECONDS = 50 * 365 * 24 * 60 * 60;

/** The claims this module reads back from an access token it issued. */
export interface AccessClaims {
  sub: string;
  iss: string;
  exp: number;
  iat: number;
  baas_device_id: string;
}

/** What every token is signed for; several apps may share one MongoDB, never one key. */
const SIGNING_KEY_ID = 'tokens';

type TokenType = 'access' | 'refresh' | 'admin-access' | 'admin-refresh';

export class TokenIssuer {
  private key: Promise<Buffer> | undefined;

  constructor(
    private readonly store: AuthStore,
    private readonly lifetimes: TokenLifetimes,
    private readonly domainId: string,
  ) {}

  /** The app's signing key: read, or made once. Two processes racing both end with the first one stored. */
  private signingKey(): Promise<Buffer> {
    this.key ??= this.loadOrCreateKey().catch((error: unknown) => {
      this.key = undefined;
      throw error;
    });
    return this.key;
  }

  private async loadOrCreateKey(): Promise<Buffer> {
    const candidate = { secret: randomBytes(64).toString('base64'), created_at: new Date() };
    for (let attempt = 0; ; attempt++) {
      try {
        const stored = await this.store.signingKeys.findOneAndUpdate(
          { _id: SIGNING_KEY_ID },
          { $setOnInsert: candidate },
          { upsert: true, returnDocument: 'after' },
        );
        if (!stored) throw new Error('the signing key upsert returned no document');
        return Buffer.from(stored.secret, 'base64');
      } catch (error) {
        // Two upserts racing on a real mongod: one inserts, the other fails on _id and reads it.
        if (!isDuplicateKey(error) || attempt > 0) throw error;
      }
    }
  }

  async startSession(userId: ObjectId, identity: UserIdentity, deviceId: string, anonymous: boolean): Promise<SessionDocument> {
    const now = new Date();
    const seconds = anonymous ? ANONYMOUS_REFRESH_SECONDS : this.lifetimes.refreshTokenSeconds;
    const session: SessionDocument = {
      _id: new ObjectId(),
      user_id: userId,
      device_id: deviceId,
      identity: { id: identity.id, provider_type: identity.provider_type, provider_id: identity.provider_id },
      created_at: now,
      expires_at: new Date(now.getTime() + seconds * 1000),
    };
    await this.store.sessions.insertOne(session);
    return session;
  }

  async refreshToken(session: SessionDocument): Promise<string> {
    const iat = Math.floor(session.created_at.getTime() / 1000);
    return this.sign('refresh', {
      sub: session.user_id.toHexString(),
      baas_id: session._id.toHexString(),
      stitch_id: session._id.toHexString(),
      baas_identity: session.identity,
      stitch_ident: session.identity,
      baas_device_id: session.device_id,
      baas_domain_id: this.domainId,
      iat,
      exp: Math.floor(session.expires_at.getTime() / 1000),
    });
  }

  async accessToken(session: SessionDocument, customData: Record<string, unknown> | undefined): Promise<string> {
    const iat = Math.floor(Date.now() / 1000);
    return this.sign('access', {
      sub: session.user_id.toHexString(),
      iss: session._id.toHexString(),
      baas_device_id: session.device_id,
      baas_domain_id: this.domainId,
      stitch_devId: session.device_id,
      stitch_domainId: this.domainId,
      ...(customData ? { user_data: customData } : {}),
      iat,
      exp: iat + this.lifetimes.accessTokenSeconds,
    });
  }

  /** Verifies an access token: signature, type and expiry (InvalidSession 401 otherwise). */
  async verifyAccessToken(token: string): Promise<AccessClaims> {
    return (await this.verify(token, 'access', 'access token')) as unknown as AccessClaims;
  }

  /** The live session a refresh token names (InvalidSession 401 when expired, revoked or forged). */
  async sessionOf(refreshToken: string): Promise<SessionDocument> {
    const claims = await this.verify(refreshToken, 'refresh', 'refresh token');
    const sessionId = typeof claims.baas_id === 'string' && ObjectId.isValid(claims.baas_id) ? new ObjectId(claims.baas_id) : undefined;
    const session = sessionId && (await this.store.sessions.findOne({ _id: sessionId }));
    // realm-web's logOut ignores exactly this message when the session is already gone (User.ts).
    if (!session || session.expires_at.getTime() <= Date.now()) throw authErrors.invalidSession('failed to find refresh token');
    return session;
  }

  async endSession(sessionId: ObjectId): Promise<void> {
    await this.store.sessions.deleteOne({ _id: sessionId });
  }

  async endSessionsOf(userId: ObjectId): Promise<number> {
    return (await this.store.sessions.deleteMany({ user_id: userId })).deletedCount;
  }

  /** Admin API tokens: same key, their own types, so a client token never opens the Admin API. */
  async adminTokens(publicKey: string): Promise<{ accessToken: string; refreshToken: string }> {
    const iat = Math.floor(Date.now() / 1000);
    return {
      accessToken: await this.sign('admin-access', { sub: publicKey, iat, exp: iat + this.lifetimes.accessTokenSeconds }),
      refreshToken: await this.sign('admin-refresh', { sub: publicKey, iat, exp: iat + this.lifetimes.refreshTokenSeconds }),
    };
  }

  async adminAccessToken(refreshToken: string): Promise<string> {
    const claims = await this.verify(refreshToken, 'admin-refresh', 'refresh token');
    const iat = Math.floor(Date.now() / 1000);
    return this.sign('admin-access', { sub: claims.sub, iat, exp: iat + this.lifetimes.accessTokenSeconds });
  }

  async verifyAdminAccessToken(token: string): Promise<void> {
    await this.verify(token, 'admin-access', 'access token');
  }

  /** An access token's claims, verified except for expiry: for the Admin API's verify_token. */
  async decode(token: string): Promise<{ claims: jwt.JwtPayload; expired: boolean }> {
    const claims = await this.verify(token, 'access', 'access token', { ignoreExpiration: true });
    return { claims, expired: typeof claims.exp !== 'number' || claims.exp <= Date.now() / 1000 };
  }

  private async sign(typ: TokenType, claims: Record<string, unknown>): Promise<string> {
    return jwt.sign({ typ, ...claims }, await this.signingKey(), { algorithm: 'HS256' });
  }

  private async verify(token: string, typ: TokenType, what: string, options: { ignoreExpiration?: boolean } = {}): Promise<jwt.JwtPayload> {
    let claims: jwt.JwtPayload | string;
    try {
      claims = jwt.verify(token, await this.signingKey(), { algorithms: ['HS256'], ignoreExpiration: options.ignoreExpiration });
    } catch (error) {
      if (error instanceof TokenExpiredError) throw authErrors.invalidSession(`${what} expired`);
      if (error instanceof JsonWebTokenError) throw authErrors.invalidSession(`invalid ${what}: ${error.message}`);
      throw error;
    }
    if (typeof claims === 'string' || claims.typ !== typ || typeof claims.sub !== 'string') throw authErrors.invalidSession(`invalid ${what}`);
    return claims;
  }
}

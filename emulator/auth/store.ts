/**
 * The auth module's collections in the emulator's internal database (mongo/internal.ts): their
 * document shapes and indexes, in one place. Living in the app's MongoDB makes users, keys and
 * sessions survive a restart where the data does, and lets several emulator processes on one
 * database share them. Nothing secret is stored in the clear: API keys as SHA-256 digests,
 * passwords as scrypt hashes, confirmation and reset tokens as SHA-256 digests. The one exception is
 * the mailbox, which holds what App Services would have emailed, tokens included, because reading
 * it is its purpose.
 */
import type { Collection, Db, MongoClient, ObjectId } from 'mongodb';
import type { UserIdentity } from './user';
import { internalDatabaseName } from '../mongo/internal';

export interface UserDocument {
  _id: ObjectId;
  type: 'normal' | 'server';
  data: Record<string, unknown>;
  identities: UserIdentity[];
  /** One key per identity (see identityKey), uniquely indexed: one identity, one user, even under races. */
  identity_keys: string[];
  disabled: boolean;
  created_at: Date;
  last_authentication_at?: Date;
}

export interface ApiKeyDocument {
  _id: ObjectId;
  name: string;
  /** SHA-256 of the key: keys are long and random, so a digest lookup is as safe as a slow hash. */
  key_hash: string;
  disabled: boolean;
  /** `server` for keys made through the Admin API or the harness, else the owner's user id. */
  owner: string;
  /** The user a login with this key becomes: the key's own server user, or the owner. */
  user_id: ObjectId;
  created_at: Date;
}

export interface SessionDocument {
  _id: ObjectId;
  user_id: ObjectId;
  device_id: string;
  identity: Pick<UserIdentity, 'id' | 'provider_type' | 'provider_id'>;
  created_at: Date;
  expires_at: Date;
}

export interface SigningKeyDocument {
  _id: string;
  secret: string;
  created_at: Date;
}

/**
 * An email/password account: pending until confirmed; its user exists from the first login. Its
 * `_id` is the id of the user's local-userpass identity.
 */
export interface EmailAccountDocument {
  _id: ObjectId;
  email: string;
  password_hash: string;
  confirmed: boolean;
  created_at: Date;
}

export interface EmailTokenDocument {
  /** The token id App Services puts in its links (`tokenId`). */
  _id: ObjectId;
  kind: 'confirm' | 'reset';
  account_id: ObjectId;
  token_hash: string;
  expires_at: Date;
}

export interface MailDocument {
  _id: ObjectId;
  to: string;
  kind: 'confirmation' | 'password-reset';
  subject: string;
  token: string;
  tokenId: string;
  /** emailConfirmationUrl / resetPasswordUrl with `token` and `tokenId` appended, when configured. */
  url?: string;
  sent_at: Date;
}

export class AuthStore {
  private constructor(
    readonly users: Collection<UserDocument>,
    readonly apiKeys: Collection<ApiKeyDocument>,
    readonly sessions: Collection<SessionDocument>,
    readonly signingKeys: Collection<SigningKeyDocument>,
    readonly emailAccounts: Collection<EmailAccountDocument>,
    readonly emailTokens: Collection<EmailTokenDocument>,
    readonly mailbox: Collection<MailDocument>,
  ) {}

  /** Opens the collections and creates their indexes (idempotent: every process does it at start). */
  static async open(client: MongoClient, appId: string): Promise<AuthStore> {
    const db: Db = client.db(internalDatabaseName(appId));
    const store = new AuthStore(
      db.collection<UserDocument>('users'),
      db.collection<ApiKeyDocument>('api_keys'),
      db.collection<SessionDocument>('sessions'),
      db.collection<SigningKeyDocument>('signing_keys'),
      db.collection<EmailAccountDocument>('email_accounts'),
      db.collection<EmailTokenDocument>('email_tokens'),
      db.collection<MailDocument>('mailbox'),
    );
    await Promise.all([
      store.users.createIndex({ identity_keys: 1 }, { unique: true, name: 'identity_keys_unique' }),
      store.apiKeys.createIndex({ key_hash: 1 }, { unique: true, name: 'key_hash_unique' }),
      store.apiKeys.createIndex({ owner: 1, name: 1 }, { unique: true, name: 'owner_name_unique' }),
      store.apiKeys.createIndex({ user_id: 1 }, { name: 'user_id' }),
      store.sessions.createIndex({ user_id: 1 }, { name: 'user_id' }),
      store.sessions.createIndex({ expires_at: 1 }, { expireAfterSeconds: 0, name: 'expires_at_ttl' }),
      store.emailAccounts.createIndex({ email: 1 }, { unique: true, name: 'email_unique' }),
      store.emailTokens.createIndex({ expires_at: 1 }, { expireAfterSeconds: 0, name: 'expires_at_ttl' }),
      store.mailbox.createIndex({ sent_at: 1 }, { name: 'sent_at' }),
    ]);
    return store;
  }
}

/** The unique key of an identity: provider name and the provider's id for the user. */
export function identityKey(providerName: string, id: string): string {
  return JSON.stringify([providerName, id]);
}

/** MongoDB's duplicate-key error (E11000), which the unique indexes above raise on races. */
export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

/**
 * api-key: server keys (Admin API, the harness) and user keys (a logged-in user, client API).
 *
 * A key is 64 random letters and digits, shown once at creation and stored as its SHA-256 digest.
 * Logins look the digest up: the key itself is never compared byte by byte, so timing says nothing
 * about it, and a random 64-character key needs no slow hash. A server key has its own user
 * (`type: "server"`, data `{name}`), made with the key; a user key logs in as its owner.
 * Limits (spec §1.3): 100 server keys per app, 20 keys per user, none for anonymous users.
 */
import { randomInt } from 'node:crypto';
import { ObjectId } from 'mongodb';
import type { ApiKeyProvider } from '../../app';
import { authErrors } from '../errors';
import { sha256 } from '../hashing';
import { type ApiKeyDocument, type AuthStore, identityKey, isDuplicateKey, type UserDocument } from '../store';
import { toObjectId, UserDirectory } from '../users';
import type { ProviderLogin } from './provider';

/** A key as lists show it: never the key itself. */
export interface ApiKeyView {
  _id: string;
  name: string;
  disabled: boolean;
}

/** A key as its creation answers it, the one time its value is shown. */
export interface NewApiKey extends ApiKeyView {
  key: string;
}

const SERVER_OWNER = 'server';
const MAX_SERVER_KEYS = 100;
const MAX_USER_KEYS = 20;
/** The built-in provider's name: for built-in providers the name is the type (spec §1.3). */
const PROVIDER_NAME = 'api-key';
const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class ApiKeys {
  constructor(
    private readonly store: AuthStore,
    private readonly users: UserDirectory,
  ) {}

  async createServerKey(name: unknown): Promise<NewApiKey> {
    const keyName = checkName(name);
    if ((await this.store.apiKeys.countDocuments({ owner: SERVER_OWNER })) >= MAX_SERVER_KEYS) throw authErrors.apiKeyLimit(MAX_SERVER_KEYS);
    const keyId = new ObjectId();
    const userId = new ObjectId();
    const created = await this.insert({ _id: keyId, name: keyName, owner: SERVER_OWNER, user_id: userId });
    const identity = { id: keyId.toHexString(), provider_type: 'api-key', provider_id: PROVIDER_NAME };
    await this.store.users.insertOne({
      _id: userId,
      type: 'server',
      data: { name: keyName },
      identities: [identity],
      identity_keys: [identityKey(PROVIDER_NAME, identity.id)],
      disabled: false,
      created_at: new Date(),
    });
    return created;
  }

  async createUserKey(user: UserDocument, name: unknown): Promise<NewApiKey> {
    const keyName = checkName(name);
    if (user.identities.every((identity) => identity.provider_type === 'anon-user')) throw authErrors.anonymousApiKey();
    const owner = user._id.toHexString();
    if ((await this.store.apiKeys.countDocuments({ owner })) >= MAX_USER_KEYS) throw authErrors.apiKeyLimit(MAX_USER_KEYS);
    return this.insert({ _id: new ObjectId(), name: keyName, owner, user_id: user._id });
  }

  private async insert(fields: Pick<ApiKeyDocument, '_id' | 'name' | 'owner' | 'user_id'>): Promise<NewApiKey> {
    const key = Array.from({ length: 64 }, () => KEY_ALPHABET[randomInt(KEY_ALPHABET.length)]).join('');
    try {
      await this.store.apiKeys.insertOne({ ...fields, key_hash: sha256(key), disabled: false, created_at: new Date() });
    } catch (error) {
      if (isDuplicateKey(error)) throw authErrors.apiKeyNameInUse(fields.name);
      throw error;
    }
    return { _id: fields._id.toHexString(), key, name: fields.name, disabled: false };
  }

  /** `owner`: `"server"`, or the user whose keys these are. */
  async list(owner: Owner): Promise<ApiKeyView[]> {
    const keys = await this.store.apiKeys.find({ owner: ownerKey(owner) }).sort({ _id: 1 }).toArray();
    return keys.map(view);
  }

  async get(owner: Owner, keyId: string): Promise<ApiKeyView> {
    return view(await this.find(owner, keyId));
  }

  async setDisabled(owner: Owner, keyId: string, disabled: boolean): Promise<void> {
    const key = await this.find(owner, keyId);
    await this.store.apiKeys.updateOne({ _id: key._id }, { $set: { disabled } });
    if (disabled) await this.endSessionsOf(key);
  }

  /** Deleting a server key deletes its user (and so its sessions); a user key's own sessions end. */
  async delete(owner: Owner, keyId: string): Promise<void> {
    const key = await this.find(owner, keyId);
    await this.store.apiKeys.deleteOne({ _id: key._id });
    if (key.owner === SERVER_OWNER) await this.users.delete(key.user_id);
    else await this.endSessionsOf(key);
  }

  private async find(owner: Owner, keyId: string): Promise<ApiKeyDocument> {
    const id = toObjectId(keyId);
    const key = id && (await this.store.apiKeys.findOne({ _id: id, owner: ownerKey(owner) }));
    if (!key) throw authErrors.apiKeyNotFound();
    return key;
  }

  /** Credentials `{key}`: the key's user, refused when the key is unknown, deleted or disabled. */
  async login(provider: ApiKeyProvider, key: unknown): Promise<ProviderLogin> {
    if (typeof key !== 'string' || key === '') throw authErrors.invalidApiKey();
    const found = await this.store.apiKeys.findOne({ key_hash: sha256(key) });
    if (!found) throw authErrors.invalidApiKey();
    if (found.disabled) throw authErrors.apiKeyDisabled();
    return {
      identity: { id: found._id.toHexString(), provider_type: 'api-key', provider_id: provider.name },
      data: {},
      type: found.owner === SERVER_OWNER ? 'server' : 'normal',
      userId: found.user_id,
    };
  }

  /** A key's sessions end when the key is disabled or deleted: its refresh tokens stop working. */
  private async endSessionsOf(key: ApiKeyDocument): Promise<void> {
    await this.store.sessions.deleteMany({ 'identity.provider_type': 'api-key', 'identity.id': key._id.toHexString() });
  }
}

export type Owner = 'server' | UserDocument;

function ownerKey(owner: Owner): string {
  return owner === SERVER_OWNER ? SERVER_OWNER : owner._id.toHexString();
}

function view(key: ApiKeyDocument): ApiKeyView {
  return { _id: key._id.toHexString(), name: key.name, disabled: key.disabled };
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') throw authErrors.invalidParameter('an API key needs a name (a non-empty string)');
  return name;
}

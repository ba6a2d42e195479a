/**
 * Users: one per person (or server key), with identities from one or more providers, profile data
 * from the providers' metadata, a disabled flag, and the custom user data document of
 * auth/custom_user_data.json, read fresh whenever a token is issued or a request asks for it.
 *
 * A user is created at its identity's first login (spec §1.3; docs: users/create), except the user
 * of a server API key, made with the key. One identity belongs to at most one user: the unique
 * index on `identity_keys` settles races between processes.
 */
import { EJSON } from 'bson';
import { type MongoClient, ObjectId } from 'mongodb';
import type { CustomUserDataConfig } from '../app';
import { authErrors } from './errors';
import { type AuthStore, identityKey, isDuplicateKey, type UserDocument } from './store';
import type { AppUser, UserIdentity } from './user';

/** What the profile route answers (spec §6) and realm-web's UserProfile reads. */
export interface UserProfileView {
  user_id: string;
  domain_id: string;
  type: 'normal' | 'server';
  data: Record<string, unknown>;
  identities: UserIdentity[];
}

/** A user as the Admin API lists it. */
export interface AdminUserView {
  _id: string;
  type: 'normal' | 'server';
  identities: UserIdentity[];
  data: Record<string, unknown>;
  disabled: boolean;
  /** Unix seconds, as the Admin API gives them. */
  creation_date: number;
  last_authentication_date: number;
}

export interface NewIdentity {
  identity: UserIdentity;
  /** Profile data the provider contributes (merged into `user.data` at each login). */
  data: Record<string, unknown>;
  type: 'normal' | 'server';
}

export class UserDirectory {
  constructor(
    private readonly store: AuthStore,
    private readonly client: MongoClient,
    private readonly customUserData: CustomUserDataConfig | undefined,
    readonly domainId: string,
  ) {}

  async get(userId: string | ObjectId): Promise<UserDocument | null> {
    const id = toObjectId(userId);
    return id ? this.store.users.findOne({ _id: id }) : null;
  }

  async findByIdentity(providerName: string, id: string): Promise<UserDocument | null> {
    return this.store.users.findOne({ identity_keys: identityKey(providerName, id) });
  }

  /** The identity's user, created when it has none (and `create` allows); its data refreshed. */
  async findOrCreate(entry: NewIdentity, create: boolean): Promise<{ user: UserDocument; created: boolean } | null> {
    for (let attempt = 0; ; attempt++) {
      const existing = await this.findByIdentity(entry.identity.provider_id, entry.identity.id);
      if (existing) return { user: await this.refreshIdentity(existing, entry), created: false };
      if (!create) return null;
      const user: UserDocument = {
        _id: new ObjectId(),
        type: entry.type,
        data: { ...entry.data },
        identities: [entry.identity],
        identity_keys: [identityKey(entry.identity.provider_id, entry.identity.id)],
        disabled: false,
        created_at: new Date(),
      };
      try {
        await this.store.users.insertOne(user);
        return { user, created: true };
      } catch (error) {
        // Another request created the same identity's user first: use that one.
        if (!isDuplicateKey(error) || attempt > 0) throw error;
      }
    }
  }

  /** Adds an identity to a user (login?link=true). The identity must be new or already this user's. */
  async link(user: UserDocument, entry: NewIdentity): Promise<UserDocument> {
    const owner = await this.findByIdentity(entry.identity.provider_id, entry.identity.id);
    if (owner && !owner._id.equals(user._id)) throw authErrors.identityLinkedElsewhere();
    if (owner) return this.refreshIdentity(owner, entry);
    try {
      await this.store.users.updateOne(
        { _id: user._id },
        {
          $push: { identities: entry.identity, identity_keys: identityKey(entry.identity.provider_id, entry.identity.id) },
          $set: { data: { ...user.data, ...entry.data } },
        },
      );
    } catch (error) {
      if (isDuplicateKey(error)) throw authErrors.identityLinkedElsewhere();
      throw error;
    }
    return (await this.get(user._id)) ?? user;
  }

  /** Metadata is refreshed at every login (spec §1.3, custom JWT metadata_fields). */
  private async refreshIdentity(user: UserDocument, entry: NewIdentity): Promise<UserDocument> {
    const index = user.identities.findIndex((identity) => identity.provider_id === entry.identity.provider_id && identity.id === entry.identity.id);
    if (Object.keys(entry.data).length === 0 && !entry.identity.provider_data) return user;
    const set: Record<string, unknown> = { data: { ...user.data, ...entry.data } };
    if (index >= 0 && entry.identity.provider_data) set[`identities.${index}.provider_data`] = entry.identity.provider_data;
    await this.store.users.updateOne({ _id: user._id }, { $set: set });
    return (await this.get(user._id)) ?? user;
  }

  async recordLogin(userId: ObjectId): Promise<void> {
    await this.store.users.updateOne({ _id: userId }, { $set: { last_authentication_at: new Date() } });
  }

  async list(): Promise<UserDocument[]> {
    return this.store.users.find({}).sort({ _id: 1 }).toArray();
  }

  async setDisabled(userId: ObjectId, disabled: boolean): Promise<boolean> {
    return (await this.store.users.updateOne({ _id: userId }, { $set: { disabled } })).matchedCount === 1;
  }

  /** Deletes the user and everything that logs in as it: sessions, API keys, its email account. */
  async delete(userId: ObjectId): Promise<boolean> {
    const user = await this.get(userId);
    if (!user) return false;
    // An email/password identity's id is its account's id (spec §6: "the email user's id").
    const accounts = user.identities.filter((identity) => identity.provider_type === 'local-userpass').flatMap((identity) => toObjectId(identity.id) ?? []);
    await this.store.users.deleteOne({ _id: userId });
    await Promise.all([
      this.store.sessions.deleteMany({ user_id: userId }),
      this.store.apiKeys.deleteMany({ user_id: userId }),
      this.store.emailAccounts.deleteMany({ _id: { $in: accounts } }),
    ]);
    return true;
  }

  /**
   * The user's custom user data document, or undefined when the feature is off or no document
   * matches. Several matches: the first in natural order, which is insertion order (docs:
   * "the first inserted wins").
   */
  async customData(userId: string): Promise<Record<string, unknown> | undefined> {
    const config = this.customUserData;
    if (!config?.enabled || !config.databaseName || !config.collectionName || !config.userIdField) return undefined;
    const found = await this.client.db(config.databaseName).collection(config.collectionName).findOne({ [config.userIdField]: userId });
    return found ?? undefined;
  }

  /**
   * The document as a JWT claim: relaxed extended JSON, so ObjectIds and dates survive as
   * `{"$oid"}` / `{"$date"}` the way SDKs parse `user_data`.
   */
  static asClaim(customData: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
    return customData && (EJSON.serialize(customData, { relaxed: true }) as Record<string, unknown>);
  }

  static toAppUser(user: UserDocument, customData: Record<string, unknown> | undefined): AppUser {
    return {
      id: user._id.toHexString(),
      type: user.type,
      data: user.data,
      custom_data: customData ?? {},
      identities: user.identities,
    };
  }

  profile(user: UserDocument): UserProfileView {
    return { user_id: user._id.toHexString(), domain_id: this.domainId, type: user.type, data: user.data, identities: user.identities };
  }

  static adminView(user: UserDocument): AdminUserView {
    const seconds = (date: Date | undefined) => (date ? Math.floor(date.getTime() / 1000) : 0);
    return {
      _id: user._id.toHexString(),
      type: user.type,
      identities: user.identities,
      data: user.data,
      disabled: user.disabled,
      creation_date: seconds(user.created_at),
      last_authentication_date: seconds(user.last_authentication_at),
    };
  }
}

export function toObjectId(id: string | ObjectId): ObjectId | undefined {
  if (id instanceof ObjectId) return id;
  return /^[0-9a-f]{24}$/i.test(id) ? new ObjectId(id) : undefined;
}

/**
 * What a provider answers for credentials it accepts: the identity, the profile data it
 * contributes, and the kind of user it makes. The auth service turns that into a user and a session.
 */
import type { ObjectId } from 'mongodb';
import type { UserIdentity } from '../user';

export interface ProviderLogin {
  identity: UserIdentity;
  /** Merged into `user.data` at each login. */
  data: Record<string, unknown>;
  type: 'normal' | 'server';
  /** The user this login becomes regardless of identity: API keys log in as the key's user. */
  userId?: ObjectId;
  /** Anonymous sessions effectively never expire (spec §1.3). */
  anonymous?: boolean;
}

/** A function of the app, called by name (confirmation and reset functions). */
export type FunctionCaller = (name: string, args: unknown[]) => Promise<unknown>;

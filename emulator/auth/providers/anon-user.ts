/**
 * anon-user: every login is a new user with one anonymous identity. App Services gives anonymous
 * identities ids of the form `<ObjectId>-<24 lowercase letters>` (spec §6).
 */
import { randomInt } from 'node:crypto';
import { ObjectId } from 'mongodb';
import type { AnonymousProvider } from '../../app';
import type { ProviderLogin } from './provider';

export function anonymousLogin(provider: AnonymousProvider): ProviderLogin {
  const letters = Array.from({ length: 24 }, () => String.fromCharCode(97 + randomInt(26))).join('');
  return {
    identity: { id: `${new ObjectId().toHexString()}-${letters}`, provider_type: 'anon-user', provider_id: provider.name },
    data: {},
    type: 'normal',
    anonymous: true,
  };
}

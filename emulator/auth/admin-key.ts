/**
 * The Admin API's key pair, in the shape of an Atlas programmatic API key: a public key of 8
 * lowercase letters and a private key that is a UUID. `serve --admin-key <public>:<private>` gives
 * one; without it the emulator makes one at start-up and prints it once.
 */
import { randomInt, randomUUID } from 'node:crypto';

export interface AdminKey {
  publicKey: string;
  privateKey: string;
}

export function generateAdminKey(): AdminKey {
  const publicKey = Array.from({ length: 8 }, () => String.fromCharCode(97 + randomInt(26))).join('');
  return { publicKey, privateKey: randomUUID() };
}

/** `<public>:<private>`; the private key may itself contain colons. */
export function parseAdminKey(text: string): AdminKey {
  const colon = text.indexOf(':');
  const publicKey = colon === -1 ? '' : text.slice(0, colon);
  const privateKey = colon === -1 ? '' : text.slice(colon + 1);
  if (!publicKey || !privateKey) throw new Error('the admin key must be "<public key>:<private key>", both non-empty');
  return { publicKey, privateKey };
}

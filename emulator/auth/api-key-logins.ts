/**
 * API key logins remembered for a moment. The Data API and custom endpoints authenticate every
 * request by its credential headers, and an API key login costs two database round trips (the key,
 * then its user) — more than the operation most requests ask for. So a key's user is remembered
 * for TTL_MS. Every change this process makes to keys or users forgets everything at once; a change
 * made by another process on the same database applies within TTL_MS, as the IP access list picks
 * up other processes' changes within seconds.
 */
import type { UserDocument } from './store';

const TTL_MS = 1000;
const CAPACITY = 10_000;

export class ApiKeyLogins {
  private readonly entries = new Map<string, { user: UserDocument; until: number }>();
  private generation = 0;

  /** Taken before a lookup: a lookup that overlapped a change is not remembered. */
  begin(): number {
    return this.generation;
  }

  /** The user of a key digest, when it was looked up less than TTL_MS ago and nothing changed since. */
  recall(digest: string): UserDocument | undefined {
    const entry = this.entries.get(digest);
    if (!entry) return undefined;
    if (entry.until > Date.now()) return entry.user;
    this.entries.delete(digest);
    return undefined;
  }

  remember(digest: string, user: UserDocument, generation: number): void {
    if (generation !== this.generation) return;
    if (this.entries.size >= CAPACITY) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(digest, { user, until: Date.now() + TTL_MS });
  }

  /** After any change to API keys or users. */
  forget(): void {
    this.generation++;
    this.entries.clear();
  }
}

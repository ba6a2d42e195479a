/**
 * The app's IP access list: which client addresses may reach the app's routes (Data API, custom
 * endpoints, client API). App Services keeps it outside the exported config, managed through the
 * Admin API; new apps get `0.0.0.0/0`, and deleting every entry blocks everything. The emulator
 * keeps it in its internal database, so every process serving the app shares one list, and holds
 * a copy in memory that is checked on every request without a database round trip.
 */
import ipaddr from 'ipaddr.js';
import type { Collection, MongoClient } from 'mongodb';
import { ObjectId } from 'mongodb';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { internalDatabaseName } from '../mongo/internal';
import { AppServicesError } from './errors';

/** Where the emulator starts when nobody configured a list: every IPv4 and every IPv6 address. */
export const OPEN_ACCESS_LIST = ['0.0.0.0/0', '::/0'];

/** How often another process's changes are picked up; this process's own changes apply at once. */
const REFRESH_MS = 2000;

export interface AccessListEntry {
  _id: ObjectId;
  address: string;
  comment: string;
}

interface StoredEntry extends AccessListEntry {
  /** Set on the marker document that records that the list was initialized. */
  initialized?: true;
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses an address or CIDR block; throws a 400 in App Services' shape when it is neither. */
export function parseAddress(address: string): Range {
  try {
    if (address.includes('/')) return ipaddr.parseCIDR(address);
    const parsed = ipaddr.parse(address);
    return [parsed, parsed.kind() === 'ipv4' ? 32 : 128];
  } catch {
    throw AppServicesError.badRequest('InvalidParameter', `"${address}" is not an IP address or a CIDR block (e.g. 10.0.0.0/8)`);
  }
}

/** IPv4 clients often arrive as IPv4-mapped IPv6 (::ffff:127.0.0.1); compare them as IPv4. */
function clientAddress(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (!ipaddr.isValid(ip)) return undefined;
  const parsed = ipaddr.parse(ip);
  return parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()
    ? (parsed as ipaddr.IPv6).toIPv4Address()
    : parsed;
}

/** The client's address as people write it: an IPv4-mapped IPv6 address (::ffff:127.0.0.1) as IPv4. */
export function displayAddress(ip: string): string {
  return clientAddress(ip)?.toString() ?? ip;
}

/** Whether one entry's address or CIDR block contains `ip` (the Admin API's `includes_current`). */
export function entryIncludes(address: string, ip: string): boolean {
  const client = clientAddress(ip);
  if (!client) return false;
  try {
    const [network, bits] = parseAddress(address);
    return network.kind() === client.kind() && client.match(network, bits);
  } catch {
    return false;
  }
}

const MAX_DECISIONS = 1024;

export class IpAccessList {
  private entries: AccessListEntry[] = [];
  private ranges: Range[] = [];
  /**
   * Decisions by client address for the current ranges: parsing and matching an address took
   * about 30 µs of every request, and a server sees few distinct clients. Replaced with the ranges.
   */
  private decisions = new Map<string, boolean>();
  private readonly refresher: NodeJS.Timeout;

  private constructor(
    private readonly collection: Collection<StoredEntry>,
    private readonly logger: Logger,
  ) {
    this.refresher = setInterval(() => {
      this.reload().catch((error: Error) => this.logger.warn({ err: error }, 'could not refresh the IP access list'));
    }, REFRESH_MS);
    this.refresher.unref();
  }

  /**
   * Opens the app's list. `initial` (the `--ip-access-list` option) replaces whatever is stored; a
   * list that was never initialized starts open, as a new App Services app does.
   */
  static async open(client: MongoClient, appId: string, logger: Logger, initial?: string[]): Promise<IpAccessList> {
    const collection = client.db(internalDatabaseName(appId)).collection<StoredEntry>('ip_access_list');
    initial?.forEach(parseAddress);
    const list = new IpAccessList(collection, logger);
    if (initial) {
      await collection.deleteMany({});
      await collection.insertOne({ _id: new ObjectId(), address: '', comment: '', initialized: true });
      if (initial.length > 0) {
        await collection.insertMany(initial.map((address) => ({ _id: new ObjectId(), address, comment: 'from --ip-access-list' })));
      }
    } else {
      // Only the process that creates the marker writes the defaults, however many start together.
      const marker = await collection.updateOne(
        { initialized: true },
        { $setOnInsert: { _id: new ObjectId(), address: '', comment: '', initialized: true } },
        { upsert: true },
      );
      if (marker.upsertedCount === 1) {
        await collection.insertMany(OPEN_ACCESS_LIST.map((address) => ({ _id: new ObjectId(), address, comment: 'default: open to every address' })));
      }
    }
    await list.reload();
    return list;
  }

  close(): void {
    clearInterval(this.refresher);
  }

  private async reload(): Promise<void> {
    const stored = await this.collection.find({ initialized: { $ne: true } }).sort({ _id: 1 }).toArray();
    this.entries = stored.map(({ _id, address, comment }) => ({ _id, address, comment }));
    this.decisions = new Map();
    this.ranges = this.entries.flatMap((entry) => {
      try {
        return [parseAddress(entry.address)];
      } catch {
        this.logger.warn({ address: entry.address }, 'ignoring an IP access list entry that is not an address');
        return [];
      }
    });
  }

  list(): AccessListEntry[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  allows(ip: string): boolean {
    let allowed = this.decisions.get(ip);
    if (allowed === undefined) {
      const address = clientAddress(ip);
      allowed = address !== undefined && this.ranges.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits));
      // Bounded: behind a trusted proxy, X-Forwarded-For can name any number of addresses.
      if (this.decisions.size >= MAX_DECISIONS) this.decisions.clear();
      this.decisions.set(ip, allowed);
    }
    return allowed;
  }

  async add(address: string, comment = ''): Promise<AccessListEntry> {
    parseAddress(address);
    if (this.entries.some((entry) => entry.address === address)) {
      throw AppServicesError.badRequest('InvalidParameter', `"${address}" is already in the IP access list`);
    }
    const entry: AccessListEntry = { _id: new ObjectId(), address, comment };
    await this.collection.insertOne(entry);
    await this.reload();
    return entry;
  }

  async update(id: string, changes: { address?: string; comment?: string }): Promise<AccessListEntry> {
    if (changes.address !== undefined) parseAddress(changes.address);
    const _id = this.entryId(id);
    const updated = await this.collection.findOneAndUpdate(
      { _id, initialized: { $ne: true } },
      { $set: changes },
      { returnDocument: 'after' },
    );
    if (!updated) throw AppServicesError.notFound('NotFound', `no IP access list entry ${id}`);
    await this.reload();
    return { _id: updated._id, address: updated.address, comment: updated.comment };
  }

  async remove(id: string): Promise<void> {
    const deleted = await this.collection.deleteOne({ _id: this.entryId(id), initialized: { $ne: true } });
    if (deleted.deletedCount === 0) throw AppServicesError.notFound('NotFound', `no IP access list entry ${id}`);
    await this.reload();
  }

  private entryId(id: string): ObjectId {
    if (!ObjectId.isValid(id)) throw AppServicesError.notFound('NotFound', `no IP access list entry ${id}`);
    return new ObjectId(id);
  }

  /**
   * Refuses requests from addresses the list does not allow. The address is the socket's, or the
   * one X-Forwarded-For names when express's `trust proxy` trusts the proxy that sent it.
   * App Services does not document the refusal; 403 with the address named is the emulator's choice.
   */
  middleware(): RequestHandler {
    return (request, _response, next) => {
      const ip = request.ip ?? request.socket.remoteAddress ?? '';
      if (this.allows(ip)) {
        next();
        return;
      }
      next(AppServicesError.forbidden('IPAddressNotAllowed', `requests from ${displayAddress(ip)} are not allowed by the app's IP access list`));
    };
  }
}

/**
 * `allowed_request_origins`: when the app lists any, a request that names another origin is
 * refused (browsers send Origin on cross-origin requests; requests without one, such as curl's, pass).
 */
export function allowedOrigins(origins: string[]): RequestHandler {
  const allowed = new Set(origins.map((origin) => origin.replace(/\/+$/, '').toLowerCase()));
  return (request, _response, next) => {
    const origin = request.get('origin');
    if (allowed.size === 0 || origin === undefined || allowed.has(origin.replace(/\/+$/, '').toLowerCase())) {
      next();
      return;
    }
    next(AppServicesError.forbidden('DomainNotAllowed', `requests from origin ${origin} are not allowed by the app's allowed_request_origins`));
  };
}

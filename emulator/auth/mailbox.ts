/**
 * What App Services would have emailed (confirmation and password-reset messages), caught the way
 * a development mail catcher does: kept in the internal database and listed at
 * `/_emulator/mailbox`, so tests and scripts can read the token and token id.
 *
 * The log says that a message arrived and where to read it; the token itself is logged only at
 * debug level, so the default (info) log never holds a secret.
 */
import type { Logger } from 'pino';
import { ObjectId } from 'mongodb';
import type { AuthStore, MailDocument } from './store';

export interface MailMessage {
  id: string;
  to: string;
  kind: MailDocument['kind'];
  subject: string;
  token: string;
  tokenId: string;
  /** The link App Services would have sent: the configured URL with `token` and `tokenId` appended. */
  url?: string;
  sentAt: string;
}

export type OutgoingMail = Omit<MailDocument, '_id' | 'sent_at' | 'url'> & { baseUrl?: string };

export class Mailbox {
  constructor(
    private readonly store: AuthStore,
    private readonly logger: Logger,
  ) {}

  async send(mail: OutgoingMail): Promise<void> {
    const { baseUrl, ...fields } = mail;
    const document: MailDocument = { _id: new ObjectId(), ...fields, url: baseUrl && withTokens(baseUrl, mail.token, mail.tokenId), sent_at: new Date() };
    await this.store.mailbox.insertOne(document);
    this.logger.info({ to: mail.to, kind: mail.kind, mailId: document._id.toHexString() }, `${mail.kind} email for ${mail.to} is in the emulator's mailbox (GET /_emulator/mailbox)`);
    this.logger.debug({ to: mail.to, kind: mail.kind, token: mail.token, tokenId: mail.tokenId, url: document.url }, `${mail.kind} email content`);
  }

  /** Oldest first; `to` keeps one recipient's messages. */
  async list(filter: { to?: string } = {}): Promise<MailMessage[]> {
    const documents = await this.store.mailbox.find(filter.to === undefined ? {} : { to: filter.to }).sort({ sent_at: 1, _id: 1 }).toArray();
    return documents.map((document) => ({
      id: document._id.toHexString(),
      to: document.to,
      kind: document.kind,
      subject: document.subject,
      token: document.token,
      tokenId: document.tokenId,
      ...(document.url ? { url: document.url } : {}),
      sentAt: document.sent_at.toISOString(),
    }));
  }

  /** The newest message to `to` (of `kind`, when given). */
  async latest(to: string, kind?: MailDocument['kind']): Promise<MailMessage | undefined> {
    const messages = await this.list({ to });
    return messages.filter((message) => kind === undefined || message.kind === kind).pop();
  }

  async clear(): Promise<number> {
    return (await this.store.mailbox.deleteMany({})).deletedCount;
  }
}

/** App Services appends `token` and `tokenId` as query parameters (spec §1.3). */
function withTokens(baseUrl: string, token: string, tokenId: string): string {
  try {
    const url = new URL(baseUrl);
    url.searchParams.set('token', token);
    url.searchParams.set('tokenId', tokenId);
    return url.toString();
  } catch {
    return `${baseUrl}${baseUrl.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}&tokenId=${encodeURIComponent(tokenId)}`;
  }
}

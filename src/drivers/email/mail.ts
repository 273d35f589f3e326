// Email on the wire: sending with nodemailer (SMTP) and reading with imapflow (IMAP). Nothing here decides who may
// be written to (actions.ts and the policy do); everything read is text from strangers.
import type { ImapFlow, FetchMessageObject, MessageStructureObject } from 'imapflow';
import type * as Nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';

// Loaded when email is first used: the two libraries and their MIME codecs are a few megabytes of heap that a home
// without email settings would carry for nothing.
const imapflow = () => require('imapflow') as typeof import('imapflow');
const nodemailer = () => require('nodemailer') as typeof Nodemailer;

export interface SmtpSettings {
  host: string;
  port?: number;
  username?: string;
  password?: string;
  from?: string;
  /** true: TLS from the first byte (465); false: STARTTLS when offered (587, 25). Default: true on 465. */
  tls?: boolean;
}

export interface ImapSettings {
  host: string;
  port?: number;
  username?: string;
  password?: string;
  /** true: TLS from the first byte (993); false: plain, upgraded with STARTTLS when offered (143). Default true. */
  tls?: boolean;
  folder?: string;
}

export interface MailSummary {
  uid: number;
  message_id: string;
  from: string;
  to: string[];
  subject: string;
  date: string | null;
  seen: boolean;
  text: string;
}

const MAX_TEXT = 4000;
const TIMEOUT_MS = 15_000;

export function smtpTransport(s: SmtpSettings): Transporter {
  const secure = s.tls ?? s.port === 465;
  return nodemailer().createTransport({
    host: s.host,
    port: s.port ?? (secure ? 465 : 587),
    secure,
    auth: s.username ? { user: s.username, pass: s.password ?? '' } : undefined,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
    // A home server often has a self-made certificate; the connection is still encrypted.
    tls: { rejectUnauthorized: false },
  });
}

/** SMTP errors in words a person can act on (never the password). */
export function describeSmtpError(err: unknown, s: SmtpSettings): Error {
  const e = err as { code?: string; responseCode?: number; response?: string; message?: string };
  const where = `${s.host}:${s.port ?? ((s.tls ?? s.port === 465) ? 465 : 587)}`;
  let why: string;
  if (e.code === 'EAUTH') why = `the SMTP server refused the login of "${s.username ?? ''}" (check smtp_username and smtp_password)`;
  else if (e.code === 'ECONNECTION' || e.code === 'ESOCKET' || e.code === 'ECONNREFUSED')
    why = `cannot connect to the SMTP server at ${where} (${e.message ?? e.code})`;
  else if (e.code === 'ETIMEDOUT') why = `the SMTP server at ${where} did not answer in time`;
  else if (e.code === 'EENVELOPE') why = `the SMTP server refused the addresses (${e.response ?? e.message})`;
  else why = e.response ? `the SMTP server answered ${e.response}` : (e.message ?? String(err));
  return new Error(`email not sent: ${why}`);
}

/** `watch`: a connection kept only to hear about new mail, so it goes into IDLE as soon as it is quiet. */
export function imapClient(s: ImapSettings, opts: { watch?: boolean } = {}): ImapFlow {
  const secure = s.tls ?? true;
  return new (imapflow().ImapFlow)({
    host: s.host,
    port: s.port ?? (secure ? 993 : 143),
    secure,
    auth: { user: s.username ?? '', pass: s.password ?? '' },
    logger: false,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: 5 * 60_000,
    tls: { rejectUnauthorized: false },
    disableAutoIdle: false,
    ...(opts.watch ? { autoIdleDelay: 100 } : {}),
  });
}

/** IMAP errors in words (the login name, never the password). */
export function describeImapError(err: unknown, s: ImapSettings): string {
  const e = err as { authenticationFailed?: boolean; code?: string; message?: string; responseText?: string };
  if (e.authenticationFailed) return `the IMAP server refused the login of "${s.username ?? ''}" (check imap_username and imap_password)`;
  if (e.code === 'ECONNREFUSED')
    return `cannot connect to the IMAP server at ${s.host}:${s.port ?? ((s.tls ?? true) ? 993 : 143)} (refused)`;
  if (e.code === 'NoConnection' || e.code === 'ETIMEDOUT' || e.code === 'CONNECT_TIMEOUT' || e.code === 'GREETING_TIMEOUT')
    return `the IMAP server at ${s.host} did not answer (${e.code})`;
  if (e.responseText) return `the IMAP server answered: ${e.responseText}`;
  return e.message ?? String(err);
}

/** The first text/plain part of a message (else the first text/html one), as an IMAP part id. */
export function textPart(node: MessageStructureObject | undefined): { part: string; html: boolean } | null {
  if (!node) return null;
  let html: string | null = null;
  const walk = (n: MessageStructureObject): string | null => {
    if (n.disposition === 'attachment') return null;
    if (n.type === 'text/plain') return n.part ?? '1';
    if (n.type === 'text/html' && html === null) html = n.part ?? '1';
    for (const c of n.childNodes ?? []) {
      const found = walk(c);
      if (found) return found;
    }
    return null;
  };
  const plain = walk(node);
  if (plain) return { part: plain, html: false };
  return html === null ? null : { part: html, html: true };
}

const clip = (s: string, n = MAX_TEXT) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const htmlToText = (h: string) =>
  h
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n */g, '\n');

const addr = (a: { name?: string; address?: string } | undefined) =>
  a ? (a.name && a.address ? `${a.name} <${a.address}>` : (a.address ?? a.name ?? '')) : '';

/** Envelope, flags and the text of the given messages (UIDs), on a client whose mailbox is open. */
export async function readMessages(client: ImapFlow, uids: number[]): Promise<MailSummary[]> {
  if (uids.length === 0) return [];
  const rows: FetchMessageObject[] = await client.fetchAll(
    uids.join(','),
    { uid: true, envelope: true, flags: true, bodyStructure: true },
    { uid: true },
  );
  const out: MailSummary[] = [];
  for (const m of rows) {
    const env = m.envelope ?? {};
    const tp = textPart(m.bodyStructure);
    let text = '';
    if (tp) {
      const parts = await client.downloadMany(String(m.uid), [tp.part], { uid: true, maxBytes: 64 * 1024 });
      const raw = parts[tp.part]?.content?.toString('utf8') ?? '';
      text = (tp.html ? htmlToText(raw) : raw)
        .replace(/\r\n/g, '\n')
        .replace(/[ \t]+\n/g, '\n')
        .trim();
    }
    out.push({
      uid: m.uid,
      message_id: env.messageId ?? `uid:${m.uid}`,
      from: addr(env.from?.[0]),
      to: (env.to ?? []).map(addr),
      subject: clip(env.subject ?? '', 300),
      date: env.date ? new Date(env.date).toISOString() : null,
      seen: m.flags?.has('\\Seen') ?? false,
      text: clip(text),
    });
  }
  return out.sort((a, b) => b.uid - a.uid);
}

/** The address part of "Name <a@b>" (lower case), or the text itself. */
export function bareAddress(s: string): string {
  const m = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(s);
  return (m ? m[1] : s).trim().toLowerCase();
}

// Messages people write in chats the OpenClaw gateway serves. The gateway has no dedicated operator event for them:
// the butler subscribes to session changes (sessions.subscribe → sessions.changed) and to each session's transcript
// (sessions.messages.subscribe {key} → session.message), and takes the user turns. Where to answer comes from the
// session row's deliveryContext when the gateway gives one, else from the session key
// (agent:<agent>:<channel>[:<account>]:<direct|dm|group|channel>:<peer>[:thread|topic:<id>]).

export interface ChatAddress {
  channel: string;
  /** Where a reply goes (chat id, @handle, phone number ...). */
  to: string;
  accountId?: string;
  threadId?: string;
  /** A readable name for the chat or sender when the gateway gives one. */
  label?: string;
}

export interface InboundChatMessage extends ChatAddress {
  sessionKey: string;
  messageId: string;
  text: string;
  from: string;
  /** Whether messageId is the channel's own (a reply can point at it) rather than one made up here. */
  replyable: boolean;
  /** Identity for "seen already" (an event and the history can carry the same turn). */
  dedupeKey: string;
  /** Milliseconds since the epoch, when the gateway says. */
  timestamp?: number;
}

const CHAT_TYPES = new Set(['direct', 'dm', 'group', 'channel', 'room', 'space']);

function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim()) return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** Reads what it can from a session key; null when the key says nothing about a chat (agent:main:main). */
export function addressFromKey(key: string): ChatAddress | null {
  const parts = key.split(':');
  const rest = parts[0] === 'agent' ? parts.slice(2) : parts;
  const typeAt = rest.findIndex((p) => CHAT_TYPES.has(p));
  if (typeAt < 1 || typeAt + 1 >= rest.length) return null;
  const channel = rest[0];
  const accountId = typeAt >= 2 ? rest[1] : undefined;
  let peerEnd = rest.length;
  let threadId: string | undefined;
  const threadAt = rest.findIndex((p, i) => i > typeAt + 1 && (p === 'thread' || p === 'topic'));
  if (threadAt > 0) {
    peerEnd = threadAt;
    threadId = rest.slice(threadAt + 1).join(':') || undefined;
  }
  const peer = rest.slice(typeAt + 1, peerEnd).join(':');
  if (!channel || !peer) return null;
  const to = rest[typeAt] === 'direct' || rest[typeAt] === 'dm' ? peer : `${rest[typeAt]}:${peer}`;
  return { channel, to, accountId, threadId };
}

/** Reads a session row (sessions.list item or the session in sessions.changed). */
export function addressFromRow(row: unknown): ChatAddress | null {
  if (!row || typeof row !== 'object') return null;
  const r = row as Record<string, unknown>;
  const key = str(r.key) ?? str(r.sessionKey);
  const fromKey = key ? addressFromKey(key) : null;
  const dc = (r.deliveryContext && typeof r.deliveryContext === 'object' ? r.deliveryContext : {}) as Record<string, unknown>;
  const origin = (r.origin && typeof r.origin === 'object' ? r.origin : {}) as Record<string, unknown>;
  const channel = str(dc.channel) ?? str(r.lastChannel) ?? str(r.channel) ?? str(origin.provider) ?? fromKey?.channel;
  const to = str(dc.to) ?? str(r.lastTo) ?? fromKey?.to ?? str(origin.from);
  if (!channel || !to) return null;
  return {
    channel,
    to,
    accountId: str(dc.accountId) ?? str(r.lastAccountId) ?? fromKey?.accountId,
    threadId: str(dc.threadId) ?? str(r.lastThreadId) ?? fromKey?.threadId,
    label: str(r.displayName) ?? str(origin.label) ?? str(r.label),
  };
}

/** The text of a transcript message: a string, or the text parts of a content array. */
export function messageText(message: Record<string, unknown>): string {
  const c = message.content ?? message.text;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) {
    return c
      .map((part) =>
        part && typeof part === 'object' && (part as { type?: unknown }).type === 'text'
          ? String((part as { text?: unknown }).text ?? '')
          : '',
      )
      .filter(Boolean)
      .join('\n');
  }
  return '';
}

/**
 * A session.message event as an inbound chat message, or null when it is not one a person wrote (assistant and tool
 * turns, the butler's own sends mirrored back, a session with no chat address).
 */
export function inboundFromEvent(payload: unknown, known: (key: string) => ChatAddress | null): InboundChatMessage | null {
  if (!payload || typeof payload !== 'object') return null;
  const p = payload as Record<string, unknown>;
  const sessionKey = str(p.sessionKey);
  const message = p.message && typeof p.message === 'object' ? (p.message as Record<string, unknown>) : null;
  if (!sessionKey || !message) return null;
  return inboundFromMessage(sessionKey, message, str(p.messageId), known, str(p.messageSeq));
}

/** One transcript message (from session.message or chat.history) as an inbound chat message, or null. */
export function inboundFromMessage(
  sessionKey: string,
  message: Record<string, unknown>,
  eventId: string | undefined,
  known: (key: string) => ChatAddress | null,
  seq?: string,
): InboundChatMessage | null {
  if (message.role !== 'user') return null;
  const address = known(sessionKey) ?? addressFromKey(sessionKey);
  if (!address) return null;
  const raw = messageText(message);
  const text = stripEnvelope(raw, address.channel);
  const ts = str(message.timestamp);
  const realId = str(message.id) ?? str(message.messageId) ?? eventId;
  const messageId = realId ?? `${sessionKey}#${seq ?? ts ?? Date.now()}`;
  // The same turn seen as an event and in the history is one message: keyed by its time and words when it has a time.
  const dedupeKey = ts ? `${sessionKey}|${ts}|${raw}` : `${sessionKey}|${messageId}`;
  const from = str(message.senderLabel) ?? str(message.senderName) ?? address.label ?? address.to;
  return {
    ...address,
    sessionKey,
    messageId,
    replyable: realId !== undefined,
    text,
    from,
    dedupeKey,
    timestamp: typeof message.timestamp === 'number' ? message.timestamp : undefined,
  };
}

/** OpenClaw may prefix an inbound turn with an envelope like "[Telegram Ann id:42 ...] ": the words follow it. */
function stripEnvelope(text: string, channel: string): string {
  const m = /^\[([^\]]{1,200})\]\s*/.exec(text);
  if (m?.[1].toLowerCase().startsWith(channel.toLowerCase())) return text.slice(m[0].length);
  return text;
}

// Wyoming TCP server: makes the butler an Assist conversation agent for Home Assistant's Wyoming integration.
// Every connection is independent; events on one connection are answered in order.
import net from 'node:net';
import type { Logger } from '../../log';
import { encodeEvent, FrameParser, WyomingFrameError, type FrameLimits, type OutgoingEvent, type WyomingEvent } from './frame';
import { buildInfo, type WyomingInfoOptions } from './info';

export interface ConversationRequest {
  text: string;
  language: string;
  conversation_id: string | null;
  context: Record<string, unknown>;
  /** Address of the connecting client (Home Assistant), so the caller can decide how far to trust it. */
  peer: string;
}

export interface ConversationReply {
  handled: boolean;
  text: string;
  conversation_id?: string | null;
}

export type ConversationHandler = (req: ConversationRequest) => Promise<ConversationReply>;

export interface WyomingServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port: number;
  handler: ConversationHandler;
  info: WyomingInfoOptions;
  log: Logger;
  /** A connection with no traffic and nothing in progress for this long is closed. Default 30 s. */
  idleTimeoutMs?: number;
  limits?: Partial<FrameLimits>;
  /** Language assumed when a transcript names none. Default "en". */
  defaultLanguage?: string;
  /** Events a client may queue on one connection before it is refused. Default 32. */
  maxPendingEvents?: number;
}

export interface WyomingServer {
  readonly host: string;
  readonly port: number;
  /** Open connections right now. */
  readonly connections: number;
  stop(): Promise<void>;
}

const APOLOGY_EN = 'Sorry, something went wrong on my side. Please try again.';
const APOLOGY_ZH = '抱歉，我这边出了点问题，请再试一次。';

export function apologyFor(language: string): string {
  return language.toLowerCase().startsWith('zh') ? APOLOGY_ZH : APOLOGY_EN;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class ProtocolError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startWyomingServer(opts: WyomingServerOptions): Promise<WyomingServer> {
  const host = opts.host ?? '0.0.0.0';
  const idleTimeoutMs = opts.idleTimeoutMs ?? 30_000;
  const maxPending = opts.maxPendingEvents ?? 32;
  const defaultLanguage = opts.defaultLanguage ?? 'en';
  const log = opts.log.child({ component: 'wyoming' });
  const infoData = buildInfo(opts.info) as unknown as Record<string, unknown>;
  const sockets = new Set<net.Socket>();
  let nextConnId = 1;

  async function answer(ev: WyomingEvent, clog: Logger, peer: string): Promise<OutgoingEvent | null> {
    switch (ev.type) {
      case 'describe':
        return { type: 'info', data: infoData };
      case 'ping':
        return { type: 'pong', data: typeof ev.data.text === 'string' ? { text: ev.data.text } : {} };
      case 'transcript':
        return transcript(ev, clog, peer);
      default:
        clog.debug({ type: ev.type }, 'ignoring unknown Wyoming event');
        return null;
    }
  }

  async function transcript(ev: WyomingEvent, clog: Logger, peer: string): Promise<OutgoingEvent> {
    const { text, language, context } = ev.data;
    if (typeof text !== 'string') {
      throw new ProtocolError('invalid-transcript', `transcript: data.text must be a string, got ${JSON.stringify(text) ?? 'nothing'}`);
    }
    if (language !== undefined && language !== null && typeof language !== 'string') {
      throw new ProtocolError('invalid-transcript', `transcript: data.language must be a string, got ${JSON.stringify(language)}`);
    }
    if (context !== undefined && context !== null && !isRecord(context)) {
      throw new ProtocolError('invalid-transcript', 'transcript: data.context must be a JSON object');
    }
    const ctx = isRecord(context) ? context : {};
    const lang = typeof language === 'string' && language !== '' ? language : defaultLanguage;
    const requestId = typeof ctx.conversation_id === 'string' && ctx.conversation_id !== '' ? ctx.conversation_id : null;
    const started = Date.now();
    let reply: ConversationReply;
    try {
      reply = await opts.handler({ text, language: lang, conversation_id: requestId, context: ctx, peer });
      if (!isRecord(reply) || typeof reply.handled !== 'boolean' || typeof reply.text !== 'string') {
        throw new Error('conversation handler returned no {handled: boolean, text: string}');
      }
    } catch (err) {
      clog.error({ err, language: lang, conversation_id: requestId }, 'conversation handler failed');
      return { type: 'not-handled', data: { text: apologyFor(lang), context: { conversation_id: requestId } } };
    }
    const conversationId = reply.conversation_id !== undefined ? reply.conversation_id : requestId;
    clog.debug({ handled: reply.handled, language: lang, ms: Date.now() - started }, 'transcript answered');
    return {
      type: reply.handled ? 'handled' : 'not-handled',
      data: { text: reply.text, context: { conversation_id: conversationId } },
    };
  }

  function serve(socket: net.Socket): void {
    const id = nextConnId++;
    const clog = log.child({ conn: id, peer: `${socket.remoteAddress}:${socket.remotePort}` });
    const parser = new FrameParser(opts.limits);
    sockets.add(socket);
    socket.setNoDelay(true);
    let queue: Promise<void> = Promise.resolve();
    let pending = 0;
    let closing = false; // no more events will be read: a bad frame, or the client ended its side
    let idleTimer: NodeJS.Timeout | null = null;

    const armIdle = (): void => {
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = null;
      if (pending > 0 || socket.destroyed) return;
      idleTimer = setTimeout(() => {
        clog.debug({ idleTimeoutMs }, 'closing idle Wyoming connection');
        socket.destroy();
      }, idleTimeoutMs);
    };

    const write = (ev: OutgoingEvent): void => {
      if (!socket.destroyed && socket.writable) socket.write(encodeEvent(ev));
    };

    const enqueue = (work: () => Promise<void>): void => {
      pending++;
      if (idleTimer) clearTimeout(idleTimer); // busy: the idle clock restarts when the queue drains
      idleTimer = null;
      queue = queue
        .then(work)
        .catch((err: unknown) => clog.error({ err }, 'Wyoming connection task failed'))
        .finally(() => {
          pending--;
          armIdle();
        });
    };

    const finish = (): void => {
      enqueue(async () => {
        if (!socket.destroyed) socket.end();
      });
    };

    const refuse = (code: string, text: string): void => {
      closing = true;
      clog.warn({ code, reason: text }, 'refusing bad Wyoming input, closing the connection');
      enqueue(async () => write({ type: 'error', data: { text, code } }));
      finish();
    };

    const refuseError = (err: unknown): void => {
      if (err instanceof WyomingFrameError) {
        refuse(err.code, err.message);
        return;
      }
      clog.error({ err }, 'unexpected error while reading a Wyoming frame');
      refuse('internal-error', 'the server could not read this frame');
    };

    socket.on('data', (chunk: Buffer) => {
      if (closing) return;
      armIdle();
      let events: WyomingEvent[];
      let error: unknown = null;
      try {
        ({ events, error } = parser.feed(chunk));
      } catch (err) {
        events = [];
        error = err;
      }
      for (const ev of events) {
        if (pending >= maxPending) return refuse('too-many-pending', `more than ${maxPending} events queued on one connection`);
        enqueue(async () => {
          try {
            const out = await answer(ev, clog, (socket.remoteAddress ?? '').replace(/^::ffff:/, ''));
            if (out) write(out);
          } catch (err) {
            if (!(err instanceof ProtocolError)) throw err;
            clog.warn({ code: err.code, reason: err.message }, 'bad Wyoming event');
            write({ type: 'error', data: { text: err.message, code: err.code } });
          }
        });
      }
      if (error) refuseError(error);
    });

    socket.on('end', () => {
      if (closing) return;
      closing = true;
      try {
        parser.end();
      } catch (err) {
        return refuseError(err);
      }
      finish();
    });

    socket.on('error', (err) => clog.debug({ err: err.message }, 'Wyoming socket error'));
    socket.on('close', () => {
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = null;
      sockets.delete(socket);
    });
    armIdle();
  }

  const server = net.createServer({ allowHalfOpen: true }, serve);
  server.on('error', (err) => log.error({ err }, 'Wyoming server error'));
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(opts.port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;
  log.info({ host, port: address.port }, 'Wyoming conversation server listening');

  let stopped: Promise<void> | null = null;
  return {
    host,
    port: address.port,
    get connections() {
      return sockets.size;
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return stopped;
    },
  };
}

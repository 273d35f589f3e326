// The messaging actions through the OpenClaw gateway. Each send carries an idempotency key made from the plan and
// the action's index, so a retry (ours, after a dropped connection, or the door's) never delivers twice.
import { join } from 'node:path';
import type { ActionRegistry } from '../../actions/registry';
import type { JsonObject } from '../../types';
import type { SnapshotStore } from '../../snapshots/store';
import type { CliSender } from './cli';
import { GatewayError, type OpenClawClient } from './client';

/** Whether (channel, target) belongs to someone in the household directory. */
export type RecipientCheck = (channel: string | undefined, target: string) => boolean;

const SEND_TIMEOUT_MS = 12_000;

const addressing = {
  target: { type: 'string', minLength: 1, maxLength: 256, description: 'Chat id, @handle or phone number on the channel' },
  channel: {
    type: 'string',
    minLength: 1,
    maxLength: 64,
    description: "Channel (telegram, whatsapp, ...); the gateway's default when omitted",
  },
  account: { type: 'string', minLength: 1, maxLength: 128, description: 'Account on the channel when the gateway has several' },
  thread_id: { type: 'string', minLength: 1, maxLength: 128 },
  reply_to: { type: 'string', minLength: 1, maxLength: 128, description: 'Message id to reply to' },
} as const;

/** Gateway errors in words a person can act on. */
export function describeGatewayError(err: unknown): Error {
  if (err instanceof GatewayError) {
    const hint: Record<string, string> = {
      UNAVAILABLE: 'the gateway or the channel is not available',
      INVALID_REQUEST: 'the gateway refused the request',
      FORBIDDEN: 'the butler is not allowed to do this on the gateway',
      NOT_LINKED: 'the channel account is not linked on the gateway',
      NOT_PAIRED: 'the butler is not paired with the gateway',
      AGENT_TIMEOUT: 'the gateway timed out',
      TIMEOUT: 'the gateway did not answer in time',
    };
    const e = new Error(`message not sent: ${hint[err.code] ?? 'the gateway answered an error'} (${err.message})`);
    (e as Error & { code: string }).code = err.code;
    return e;
  }
  return err instanceof Error ? err : new Error(String(err));
}

export function sendParams(p: JsonObject, idempotencyKey: string): Record<string, unknown> {
  const out: Record<string, unknown> = { to: p.target, idempotencyKey };
  if (p.message !== undefined) out.message = p.message;
  if (p.channel) out.channel = p.channel;
  if (p.account) out.accountId = p.account;
  if (p.thread_id) out.threadId = p.thread_id;
  if (p.reply_to) out.replyToId = p.reply_to;
  return out;
}

export async function gatewaySend(client: OpenClawClient | null, params: Record<string, unknown>): Promise<JsonObject> {
  if (!client) throw new Error('message not sent: no OpenClaw gateway is configured (set openclaw_url and openclaw_token)');
  try {
    const res = (await client.request<Record<string, unknown>>('send', params, { retry: true, timeoutMs: SEND_TIMEOUT_MS })) ?? {};
    const out: JsonObject = { sent: true };
    for (const k of ['messageId', 'channel', 'chatId', 'runId'] as const)
      if (typeof res[k] === 'string') out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = res[k] as string;
    return out;
  } catch (err) {
    throw describeGatewayError(err);
  }
}

/** A kept snapshot as the `send` media fields (buffer + filename + contentType), checked against the gateway's frame cap. */
export function snapshotMedia(store: SnapshotStore | null, id: string, maxPayload: number | undefined): Record<string, unknown> {
  if (!store) throw new Error('media not sent: there is no snapshot store');
  const { image } = store.read(id);
  const buffer = image.toString('base64');
  const cap = maxPayload ?? 25 * 1024 * 1024;
  if (buffer.length + 4096 > cap)
    throw new Error(`media not sent: snapshot ${id} is ${image.length} bytes, too large for the gateway's ${cap}-byte frames`);
  return { buffer, filename: `${id}.jpg`, contentType: 'image/jpeg' };
}

export function registerOpenClawActions(
  registry: ActionRegistry,
  client: () => OpenClawClient | null,
  known: RecipientCheck,
  snapshots: () => SnapshotStore | null = () => null,
  cli: CliSender | null = null,
): void {
  // Without a gateway, the allowlisted CLI (when set) sends instead.
  const send = (params: Record<string, unknown>) => {
    const gw = client();
    return !gw && cli ? cli(params) : gatewaySend(gw, params);
  };
  registry.register({
    name: 'openclaw_message_send',
    description:
      'Send a text message to a chat through the OpenClaw gateway (Telegram, WhatsApp, Signal ...). Sending to anyone outside the household directory needs confirmation.',
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['target', 'message'],
      properties: { ...addressing, message: { type: 'string', minLength: 1, maxLength: 4000 } },
    },
    risk: 'sensitive',
    riskFor: (p) => (known(p.channel as string | undefined, String(p.target)) ? 'safe' : 'sensitive'),
    provider: 'openclaw',
    timeoutMs: SEND_TIMEOUT_MS + 2000,
    handler: (p, ctx) => send(sendParams(p, `butler:${ctx.plan_id}:${ctx.index}`)),
  });

  registry.register({
    name: 'openclaw_send_media',
    description:
      'Send a picture through the OpenClaw gateway: a kept snapshot (snapshot_id, from a camera or image_generate) or a file by URL, with an optional caption.',
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['target'],
      properties: {
        ...addressing,
        snapshot_id: { type: 'string', pattern: '^snap_[0-9]{13}_[0-9a-f]{8}$', description: 'A snapshot from the snapshot store' },
        url: { type: 'string', pattern: '^https?://', maxLength: 2048 },
        caption: { type: 'string', maxLength: 1024 },
      },
    },
    risk: 'sensitive',
    riskFor: (p) => (known(p.channel as string | undefined, String(p.target)) ? 'safe' : 'sensitive'),
    provider: 'openclaw',
    timeoutMs: SEND_TIMEOUT_MS + 2000,
    handler: async (p, ctx) => {
      if (p.url !== undefined && p.snapshot_id !== undefined) throw new Error('media not sent: give either snapshot_id or url, not both');
      if (p.url === undefined && p.snapshot_id === undefined)
        throw new Error('media not sent: say what to send, snapshot_id (a kept snapshot) or url');
      const params = sendParams({ ...p, message: p.caption ?? null }, `butler:${ctx.plan_id}:${ctx.index}`);
      if (p.caption === undefined) delete params.message;
      const gw = client();
      if (p.snapshot_id !== undefined) {
        const store = snapshots();
        if (!gw && cli && store) {
          store.meta(String(p.snapshot_id)); // a clear error for an unknown id
          params.mediaPath = join(store.dir, `${p.snapshot_id}.jpg`);
        } else Object.assign(params, snapshotMedia(store, String(p.snapshot_id), gw?.helloOk?.policy?.maxPayload));
      } else params.mediaUrl = p.url;
      return send(params);
    },
  });
}

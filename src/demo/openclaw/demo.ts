// The demo's chat: a simulated OpenClaw gateway with one Telegram chat in which "Alex" asks the butler to turn on
// the kitchen lights shortly after the butler connects, so `npm start` shows a message arriving and being answered.
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../log';
import { OpenClawGatewaySimulator, type SentMessage } from './gateway';

export interface DemoOpenClaw {
  url: string;
  token: string;
  gateway: OpenClawGatewaySimulator;
  stop(): Promise<void>;
}

export async function startDemoOpenClaw(opts: { log: Logger; greetingDelayMs?: number; tickIntervalMs?: number }): Promise<DemoOpenClaw> {
  const token = randomBytes(24).toString('hex');
  const gateway = new OpenClawGatewaySimulator({ token, channels: ['telegram'], tickIntervalMs: opts.tickIntervalMs ?? 30_000 });
  await gateway.start();
  let greeted = false;
  let timer: NodeJS.Timeout | null = null;
  gateway.on('client', () => {
    if (greeted) return;
    greeted = true;
    timer = setTimeout(() => {
      const text = 'turn on the kitchen lights';
      opts.log.info({ channel: 'telegram', from: 'Alex', text }, 'demo chat: a message for the butler');
      gateway.inbound({ channel: 'telegram', from: '100200300', senderName: 'Alex', text });
    }, opts.greetingDelayMs ?? 1500);
  });
  gateway.on('send', (m: SentMessage) =>
    opts.log.info({ channel: m.channel, to: m.to, message: m.message }, 'demo chat: the butler answered'),
  );
  opts.log.info({ url: gateway.url }, 'no OpenClaw gateway configured: using a simulated one with a demo Telegram chat');
  return {
    url: gateway.url,
    token,
    gateway,
    stop: async () => {
      if (timer) clearTimeout(timer);
      await gateway.stop();
    },
  };
}

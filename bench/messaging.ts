// Messaging figures with the real butler (child process) and the OpenClaw gateway simulator: an inbound chat message
// answered through the offline understanding (message in → reply sent) and an outbound send_message through the
// door (POST /api/command). Printed, never asserted. Run: npm run build && node dist/bench/messaging.js [count]
import { performance } from 'node:perf_hooks';
import { OpenClawGatewaySimulator, type SentMessage } from '../src/demo/openclaw/gateway';
import { spawnButler } from '../tests/helpers/butler-process';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const fmt = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `p50 ${percentile(s, 50).toFixed(1)} ms  p99 ${percentile(s, 99).toFixed(1)} ms  (n=${s.length})`;
};

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 100);
  const gw = new OpenClawGatewaySimulator({ token: 'bench-token', channels: ['telegram'], tickIntervalMs: 5000 });
  await gw.start();
  const butler = await spawnButler({
    env: {
      BUTLER_OPENCLAW_URL: gw.url,
      BUTLER_OPENCLAW_TOKEN: 'bench-token',
      BUTLER_PEOPLE: JSON.stringify([{ name: 'Mum', openclaw: { channel: 'telegram', target: '42' } }]),
    },
  });
  try {
    while (gw.clientCount === 0) await new Promise((r) => setTimeout(r, 50));
    // One chat, already known (subscribed), so every message takes the session.message path.
    const waitFor = (pred: (m: SentMessage) => boolean) =>
      new Promise<void>((resolve) => {
        const on = (m: SentMessage) => {
          if (pred(m)) {
            gw.off('send', on);
            resolve();
          }
        };
        gw.on('send', on);
      });
    let w = waitFor((m) => m.to === '777');
    gw.inbound({ channel: 'telegram', from: '777', text: 'turn on the kitchen lights' });
    await w;
    const inbound: number[] = [];
    for (let i = 0; i < count; i++) {
      const text = i % 2 ? 'turn on the kitchen lights' : 'turn off the kitchen lights';
      w = waitFor((m) => m.to === '777');
      const t0 = performance.now();
      gw.inbound({ channel: 'telegram', from: '777', text });
      await w;
      inbound.push(performance.now() - t0);
    }
    const outbound: number[] = [];
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      const r = await butler.api<{ results: Array<{ status: string }> }>('POST', '/api/command', {
        actions: [{ action_type: 'openclaw_message_send', params: { target: '42', channel: 'telegram', message: `bench ${i}` } }],
      });
      outbound.push(performance.now() - t0);
      if (r.body.results[0].status !== 'ok') throw new Error(`send failed: ${JSON.stringify(r.body)}`);
    }
    // send_message has a per-recipient limit (6 a minute): each send goes to its own chat, as a trusted person's.
    const sendMessage: number[] = [];
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      const r = await butler.api<{ results: Array<{ status: string }> }>('POST', '/api/command', {
        actions: [{ action_type: 'send_message', params: { target: `bench-${i}`, channel: 'telegram', message: `bench ${i}` } }],
      });
      sendMessage.push(performance.now() - t0);
      if (r.body.results[0].status !== 'ok') throw new Error(`send_message failed: ${JSON.stringify(r.body)}`);
    }
    console.log(`inbound chat message → answer sent (offline understanding): ${fmt(inbound)}`);
    console.log(`outbound send_message through the door (HTTP API → directory → gateway → result): ${fmt(sendMessage)}`);
    console.log(`outbound openclaw_message_send through the door (HTTP API → gateway → result): ${fmt(outbound)}`);
  } finally {
    await butler.stop();
    await gw.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

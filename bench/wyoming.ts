// Wyoming server over loopback: round trips per second and p50/p99 latency of describe and transcript,
// each on a new TCP connection as Home Assistant does. Run: node --import tsx bench/wyoming.ts [count] [concurrency]
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../src/log';
import { startWyomingServer } from '../src/ha/wyoming/server';
import { describeWyoming, sendTranscript } from '../src/ha/wyoming/client';

const HOST = '127.0.0.1';
const count = Number(process.argv[2] ?? 2000);
const concurrency = Number(process.argv[3] ?? 8);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function run(label: string, workers: number, once: (i: number) => Promise<void>): Promise<void> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        await once(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(28)} ${String(count).padStart(6)} round trips  ${(count / seconds).toFixed(0).padStart(6)}/s  ` +
      `p50 ${percentile(latencies, 50).toFixed(3)} ms  p99 ${percentile(latencies, 99).toFixed(3)} ms`,
  );
}

async function main(): Promise<void> {
  const server = await startWyomingServer({
    host: HOST,
    port: 0,
    log: silentLogger(),
    info: { version: 'bench' },
    handler: async (req) => ({ handled: true, text: `ok: ${req.text}`, conversation_id: req.conversation_id }),
  });
  try {
    const { port } = server;
    const describe = async (): Promise<void> => {
      if (!(await describeWyoming(HOST, port, { tries: 1 }))) throw new Error('describe failed');
    };
    const transcript = async (i: number): Promise<void> => {
      const r = await sendTranscript(HOST, port, {
        text: i % 2 ? '打开客厅的灯' : 'turn on the kitchen light',
        language: i % 2 ? 'zh-cn' : 'en',
        conversation_id: `b${i}`,
      });
      if (!r.handled) throw new Error('transcript not handled');
    };
    console.log(`Wyoming loopback bench, node ${process.version}, new connection per round trip`);
    for (let i = 0; i < 200; i++) await transcript(i); // warm-up
    await run('describe (sequential)', 1, describe);
    await run('transcript (sequential)', 1, transcript);
    await run(`describe (${concurrency} concurrent)`, concurrency, describe);
    await run(`transcript (${concurrency} concurrent)`, concurrency, transcript);
  } finally {
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

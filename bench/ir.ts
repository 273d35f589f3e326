// IR figures (printed, never asserted), against the RM4 mini simulator on loopback:
//  1. ir_send_command round trip through the door (registry → policy → Broadlink client → UDP → simulator) p50/p99;
//  2. learn → stored: ir_learn_command with the press arriving 300 ms after "enter learning" (polled every 100 ms);
//  3. 1 % and 10 % packet loss (each request and each reply dropped with that probability): success rate and p99,
//     with a 100 ms per-attempt timeout and 2 retries.
// Run: npm run build && node dist/bench/ir.js
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCore } from '../src/core/core';
import { BroadlinkSimulator } from '../src/demo/broadlink/simulator';
import { BroadlinkPart } from '../src/drivers/broadlink/part';
import { silentLogger } from '../src/log';
import type { Origin } from '../src/types';

const admin: Origin = { source: 'api', trusted: true, user: 'bench' };

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const core = buildCore({ dataDir: mkdtempSync(join(tmpdir(), 'bench-ir-')), actionTimeoutMs: 10_000 });
  const sim = await new BroadlinkSimulator({ family: 'rm4', learnDelayMs: 300 }).start();
  const part = new BroadlinkPart([{ name: 'bench', host: '127.0.0.1', port: sim.port }], { timeoutMs: 100, retries: 2, learnPollMs: 100 });
  part.start({ registry: core.registry, db: core.db, ingest: core.ingest, log: silentLogger() });
  const run = async (action_type: string, params: Record<string, string | number>) =>
    (await core.door.execute({ actions: [{ action_type, params }], origin: admin, reason: 'bench' })).results[0];

  const t0 = performance.now();
  const learned = await run('ir_learn_command', { device_id: 'tv', command_name: 'power', duration: 10 });
  const learnMs = performance.now() - t0;
  console.log(`learn → stored: ${learnMs.toFixed(0)} ms (press after 300 ms, polls every 100 ms), status ${learned.status}`);

  for (let i = 0; i < 50; i++) await run('ir_send_command', { device_id: 'tv', command: 'power' }); // warm-up
  const times: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const s = performance.now();
    const r = await run('ir_send_command', { device_id: 'tv', command: 'power' });
    times.push(performance.now() - s);
    if (r.status !== 'ok') throw new Error(`send failed: ${JSON.stringify(r.output)}`);
  }
  times.sort((a, b) => a - b);
  console.log(
    `ir_send_command through the door, no loss (n=1000): p50 ${pct(times, 50).toFixed(2)} ms, p99 ${pct(times, 99).toFixed(2)} ms`,
  );

  for (const loss of [0.01, 0.1]) {
    sim.loss = loss;
    const t: number[] = [];
    let ok = 0;
    const n = 500;
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      const r = await run('ir_send_command', { device_id: 'tv', command: 'power' });
      t.push(performance.now() - s);
      if (r.status === 'ok') ok++;
    }
    t.sort((a, b) => a - b);
    console.log(
      `${(loss * 100).toFixed(0)} % loss each way (n=${n}, 100 ms timeout, 2 retries): success ${((ok / n) * 100).toFixed(1)} %, p50 ${pct(t, 50).toFixed(2)} ms, p99 ${pct(t, 99).toFixed(2)} ms`,
    );
  }
  await part.stop();
  await sim.stop();
  core.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

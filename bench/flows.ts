// Figures for the flows layer: deploy cost in the SQLite storage (with revision + diff), the diff alone, and a
// conversation round trip through FlowConversations. Run: node --import tsx bench/flows.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/store/db';
import { createFlowStorage } from '../src/flows/storage';
import { diffFlows, type FlowNode } from '../src/flows/diff';
import { FlowConversations } from '../src/flows/conversations';

function flowsOf(n: number, variant: number): FlowNode[] {
  const out: FlowNode[] = [{ id: 'tab', type: 'tab', label: 'bench' }];
  for (let i = 0; i < n; i++)
    out.push({
      id: `n${i}`,
      type: i % 2 ? 'function' : 'butler-execute',
      z: 'tab',
      x: i * 10 + (i === variant % n ? 5 : 0),
      y: 20,
      name: `node ${i}`,
      func: 'return msg;'.repeat(5),
      wires: [[`n${i + 1}`]],
    });
  return out;
}

function time(label: string, runs: number, fn: (i: number) => void): void {
  for (let i = 0; i < Math.min(10, runs); i++) fn(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) fn(i);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`${label.padEnd(48)} ${(ms / runs).toFixed(3).padStart(9)} ms/op  (${runs} runs)`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-flows-'));
  const db = openDatabase(join(dir, 'butler.db'));
  const storage = createFlowStorage(db);
  for (const size of [50, 500]) {
    const a = flowsOf(size, 1);
    const b = flowsOf(size, 2);
    time(`diffFlows, ${size} nodes, one moved`, 200, () => diffFlows(a, b));
    let i = 0;
    const t0 = process.hrtime.bigint();
    const runs = size === 50 ? 200 : 50;
    for (; i < runs; i++) await storage.saveFlows(flowsOf(size, i), { username: 'bench' });
    console.log(
      `${`deploy (saveFlows + revision), ${size} nodes`.padEnd(48)} ${(Number(process.hrtime.bigint() - t0) / 1e6 / runs).toFixed(3).padStart(9)} ms/op  (${runs} runs)`,
    );
    time(`listRevisions(50) with ${storage.listRevisions({ limit: 500 }).length}+ revisions`, 100, () =>
      storage.listRevisions({ limit: 50 }),
    );
  }
  const conv = new FlowConversations();
  conv.listen((r) => conv.reply(r.id, { reply: r.text }));
  const runs = 5000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < runs; i++)
    await conv.offer(
      { text: 'hi', conversation_id: 'c', language: 'en', origin: { source: 'bench', trusted: true }, event_id: null },
      1000,
    );
  console.log(
    `${'conversation offer -> reply (in process)'.padEnd(48)} ${(Number(process.hrtime.bigint() - t0) / 1e6 / runs).toFixed(4).padStart(9)} ms/op  (${runs} runs)`,
  );
  conv.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
}

void main();

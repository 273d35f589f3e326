// Memory figures (printed, never asserted): insert rate and search latency (p50/p99) at 1k and 10k memories,
// keyword-only (FTS5/BM25) and hybrid (BM25 + cosine, RRF) against the fake embeddings endpoint on loopback.
// The hybrid figures include the HTTP round trip to embed the query; a real model adds its own inference time.
// Run: node --import tsx bench/memory.ts   (or npm run build && node dist/bench/memory.js)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/store/db';
import { silentLogger } from '../src/log';
import { MemoryStore } from '../src/brain/memory/store';
import { startFakeEmbeddings } from '../src/demo/embeddings/server';

const PEOPLE = ['Anna', 'Ben', 'Chloe', 'David', 'Emma', 'Felix', 'Grandma', 'Rex the dog'];
const ROOMS = ['bedroom', 'kitchen', 'hallway', 'office', 'garage', 'garden', 'bathroom', 'living room'];
const THINGS = [
  'likes the light at 30%',
  'prefers 20 degrees',
  'waters the plants on Sunday',
  'keeps the keys by the door',
  'drinks tea after dinner',
  'sleeps with the window open',
  'cleans on Tuesday',
  'parks the bike',
];
const QUERIES = [
  'bedroom temperature',
  'what does Anna like',
  'keys',
  'is it too warm',
  'tea',
  'garage door',
  '卧室',
  'who waters the plants',
  'window',
  'something unrelated entirely',
];

function fact(i: number): string {
  return `${PEOPLE[i % PEOPLE.length]} ${THINGS[(i >> 3) % THINGS.length]} in the ${ROOMS[(i >> 6) % ROOMS.length]} (note ${i})`;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function run(n: number, embeddingsUrl: string | null): Promise<void> {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'bench-memory-')), 'b.db'));
  const store = new MemoryStore(db, {
    log: silentLogger(),
    retryAfterMs: 0,
    embeddings: embeddingsUrl ? { url: embeddingsUrl, model: 'fake' } : null,
  });
  const label = `${n.toLocaleString('en')} memories, ${embeddingsUrl ? 'hybrid' : 'FTS5 only'}`;

  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await store.remember({ text: fact(i) });
  const insertS = Number(process.hrtime.bigint() - t0) / 1e9;

  // First search loads the vector cache; time it separately.
  const c0 = process.hrtime.bigint();
  await store.recall('warm-up', 5);
  const coldMs = Number(process.hrtime.bigint() - c0) / 1e6;

  const times: number[] = [];
  for (let round = 0; round < 20; round++) {
    for (const q of QUERIES) {
      const s = process.hrtime.bigint();
      await store.recall(q, 5);
      times.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
  }
  times.sort((a, b) => a - b);
  const sync: number[] = [];
  for (let round = 0; round < 20; round++) {
    for (const q of QUERIES) {
      const s = process.hrtime.bigint();
      store.searchText(q, 5);
      sync.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
  }
  sync.sort((a, b) => a - b);
  console.log(
    `${label}: insert ${Math.round(n / insertS).toLocaleString('en')}/s (each with its own embedding request when hybrid); ` +
      `recall p50 ${pct(times, 50).toFixed(2)} ms p99 ${pct(times, 99).toFixed(2)} ms (first ${coldMs.toFixed(1)} ms); ` +
      `planner context (BM25, sync) p50 ${pct(sync, 50).toFixed(3)} ms p99 ${pct(sync, 99).toFixed(3)} ms`,
  );
  db.close();
}

async function main(): Promise<void> {
  const fake = await startFakeEmbeddings({ dims: 384 });
  try {
    for (const n of [1_000, 10_000]) {
      await run(n, null);
      await run(n, fake.url);
    }
  } finally {
    await fake.stop();
  }
}

void main();

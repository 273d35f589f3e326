// Panel figures (printed, never asserted): the first-load JavaScript gzipped, and the timeline's render time for its
// first 10,000 rows in Chromium against the real butler (rows in memory → rendered and painted, the page's own
// performance measure "timeline:render"), plus scrolling to the end of them.
// Run: npm run build && node dist/bench/panel.js [rows]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { spawnButler } from '../tests/helpers/butler-process';
import { CHROMIUM, CHROMIUM_ARGS } from '../tests/helpers/ingress-proxy';

const ROWS = Number(process.argv[2] ?? 10_000);
const PANEL = resolve(__dirname, '../src/panel');

function firstLoadGzip(): number {
  const index = readFileSync(join(PANEL, 'index.html'), 'utf8');
  const scripts = [...index.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  return scripts.reduce((n, s) => n + gzipSync(readFileSync(join(PANEL, s))).length, 0);
}

async function main(): Promise<void> {
  console.log(`first-load JavaScript: ${(firstLoadGzip() / 1024).toFixed(1)} KB gzipped (budget 150 KB)`);
  const butler = await spawnButler({ env: { BUTLER_LOG_LEVEL: 'error' } });
  try {
    const t0 = performance.now();
    let next = 0;
    const post = async () => {
      while (next < ROWS) {
        const i = next++;
        await butler.api('POST', '/api/events', {
          type: `bench.tick`,
          source: 'bench',
          payload: { n: i, entity_id: `sensor.bench_${i % 50}` },
        });
      }
    };
    await Promise.all(Array.from({ length: 16 }, post));
    console.log(`${ROWS} events recorded through POST /api/events in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${butler.url}/login?token=${butler.token}`);
    await page.goto(`${butler.url}/#/timeline`);
    const loadStart = performance.now();
    await page.waitForFunction(
      `Number(document.querySelector('butler-app')?.shadowRoot?.querySelector('butler-timeline')?.dataset.rows ?? 0) >= ${Math.min(ROWS, 10_000)}`,
      undefined,
      {
        timeout: 120_000,
      },
    );
    const fetchMs = performance.now() - loadStart;
    const measures = (await page.evaluate(
      `performance.getEntriesByName('timeline:render').map((m) => ({ d: m.duration, rows: m.detail && m.detail.rows }))`,
    )) as { d: number; rows: number }[];
    const last = measures[measures.length - 1];
    const domRows = (await page.evaluate(
      `document.querySelector('butler-app').shadowRoot.querySelector('butler-timeline').shadowRoot.querySelectorAll('#timeline li').length`,
    )) as number;
    console.log(
      `timeline: ${last.rows} rows rendered in ${last.d.toFixed(1)} ms (target < 200 ms); ${domRows} rows in the DOM (virtualised)`,
    );
    console.log(`timeline: page open → ${last.rows} rows fetched (10 × 1,000-row pages) and shown in ${fetchMs.toFixed(0)} ms`);
    const scroll = (await page.evaluate(`(async () => {
      const s = document.querySelector('butler-app').shadowRoot.querySelector('butler-timeline').shadowRoot.querySelector('#scroller');
      const frames = [];
      let prev = performance.now();
      for (let i = 0; i < 60; i++) {
        s.scrollTop = (s.scrollHeight * i) / 60;
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        frames.push(now - prev);
        prev = now;
      }
      frames.sort((a, b) => a - b);
      return { p50: frames[30], max: frames[59] };
    })()`)) as { p50: number; max: number };
    console.log(`timeline: scrolling through them, frame p50 ${scroll.p50.toFixed(1)} ms, max ${scroll.max.toFixed(1)} ms`);
    await browser.close();
  } finally {
    await butler.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

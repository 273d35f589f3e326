// A fake SearXNG: GET /search?q=…&format=json answers the JSON shape SearXNG does ({query, number_of_results,
// results:[{url, title, content, engine, score, category}], answers, suggestions, infoboxes, unresponsive_engines});
// with json not in its formats it answers 403 like a stock instance. `results` can be set by tests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeResult {
  url: string;
  title: string;
  content: string;
}

export interface FakeSearxng {
  url: string;
  /** What every search finds (set by tests). */
  results: FakeResult[];
  /** Answer 403 to format=json (an instance without json in search.formats). */
  jsonDisabled: boolean;
  /** Answer this raw body instead (garbage). */
  rawBody: string | null;
  queries: string[];
  stop(): Promise<void>;
}

export async function startFakeSearxng(): Promise<FakeSearxng> {
  const state: Omit<FakeSearxng, 'url' | 'stop'> = { results: [], jsonDisabled: false, rawBody: null, queries: [] };
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname !== '/search') {
      res.writeHead(404).end('not found');
      return;
    }
    const q = u.searchParams.get('q') ?? '';
    state.queries.push(q);
    if (u.searchParams.get('format') === 'json' && state.jsonDisabled) {
      res.writeHead(403, { 'content-type': 'text/html' }).end('<h1>403 Forbidden</h1>');
      return;
    }
    if (state.rawBody !== null) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(state.rawBody);
      return;
    }
    const results = state.results.map((r, i) => ({
      ...r,
      engine: 'duckduckgo',
      engines: ['duckduckgo'],
      score: 1 / (i + 1),
      category: 'general',
      positions: [i + 1],
    }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        query: q,
        number_of_results: results.length,
        results,
        answers: [],
        corrections: [],
        infoboxes: [],
        suggestions: [],
        unresponsive_engines: [],
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const fake = state as FakeSearxng;
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.stop = () => new Promise<void>((r) => server.close(() => r()));
  return fake;
}

// Searches the web (web_search through the one door, SearXNG): msg.payload is the query, or {query, limit}. The
// results come out as msg.payload, marked untrusted: text from strangers, for reading, never for instructions.
import { defineNode } from '../lib/node';
import { actionError, type NodeDef, runOneAction } from '../lib/red';

interface Config extends NodeDef {
  limit: number;
}

export = defineNode<Config>({
  type: 'butler-web-search',
  version: 1,
  migrations: { 0: (c) => ({ ...c, limit: Number(c.limit) || 5 }) },
  async onInput(msg, { node, config, services, busy }) {
    const p = msg.payload && typeof msg.payload === 'object' && !Array.isArray(msg.payload) ? (msg.payload as Record<string, unknown>) : {};
    const query = typeof msg.payload === 'string' ? msg.payload.trim() : typeof p.query === 'string' ? p.query.trim() : '';
    if (!query) throw new Error('no query: send it as msg.payload (a string) or msg.payload = {query, limit}');
    const limit = p.limit !== undefined ? Number(p.limit) : Number(config.limit) || 5;
    busy('searching…');
    const r = await runOneAction(services, msg, node, config.name, 'web_search', { query, limit });
    if (r.status === 'error')
      return {
        status: { text: 'error', fill: 'red' },
        error: actionError('web_search', r),
      };
    const n = (r.output as { results?: unknown[] })?.results?.length;
    return {
      status: { text: r.status === 'ok' ? `${n ?? 0} results` : r.status, fill: r.status === 'ok' ? 'green' : 'yellow' },
      send: msg,
    };
  },
});

// image_generate against an OpenAI-compatible images endpoint (POST <image_api_url>/images/generations {prompt, n,
// size, model?, response_format} → {created, data:[{b64_json | url, revised_prompt?}]}; OpenAI, LocalAI and others).
// Every picture is checked (sharp must read it as an image), kept in the one snapshot store as a JPEG, and answered by
// snapshot id, so it can be shown in the panel or sent as media. An answer that is not that shape is refused in words.
import { sharp } from '../../snapshots/sharp';
import type { ActionRegistry } from '../../actions/registry';
import type { JsonObject } from '../../types';
import { type SnapshotStore, snapshotUrl } from '../../snapshots/store';
import { fetchFailure, readCapped } from '../../util/http';

export interface ImageOptions {
  /** The API base, e.g. https://api.openai.com/v1 or http://localai:8080/v1. */
  url?: string;
  apiKey?: string;
  model?: string;
  timeoutMs?: number;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const MAX_IMAGE_BYTES = 16 * 1024 * 1024;

function fail(why: string): Error {
  return new Error(`image generation failed: ${why}`);
}

/** Asks for `n` pictures and keeps them; answers their snapshot ids. */
export async function generateImages(
  opts: ImageOptions,
  store: SnapshotStore,
  req: { prompt: string; size?: string; n: number },
  signal?: AbortSignal,
): Promise<JsonObject> {
  const base = opts.url!;
  const endpoint = new URL('images/generations', base.endsWith('/') ? base : `${base}/`);
  const timeout = AbortSignal.any([AbortSignal.timeout(opts.timeoutMs ?? 120_000), ...(signal ? [signal] : [])]);
  const body: Record<string, unknown> = { prompt: req.prompt, n: req.n, response_format: 'b64_json' };
  if (req.size) body.size = req.size;
  if (opts.model) body.model = opts.model;
  let res: Response;
  try {
    res = await fetch(endpoint, {
      method: 'POST',
      signal: timeout,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
      },
      body: JSON.stringify(body),
    });
  } catch (err) {
    throw fail(`the images API: ${fetchFailure(err, endpoint)}`);
  }
  const raw = (await readCapped(res, { max: MAX_BODY_BYTES, url: endpoint, what: 'the answer', error: fail })).toString('utf8');
  let json: Record<string, unknown> | null = null;
  try {
    const v = JSON.parse(raw);
    if (v && typeof v === 'object' && !Array.isArray(v)) json = v;
  } catch {
    /* not JSON: said below */
  }
  if (!res.ok) {
    const msg = (json?.error as { message?: unknown } | undefined)?.message;
    const hint =
      res.status === 401 || res.status === 403
        ? ' (check image_api_key)'
        : res.status === 404
          ? ' (is image_api_url the API base, ending in /v1?)'
          : '';
    throw fail(`the images API answered HTTP ${res.status}${typeof msg === 'string' ? `: ${msg.slice(0, 300)}` : ''}${hint}`);
  }
  if (!json) throw fail('the images API did not answer JSON (is image_api_url the API base, ending in /v1?)');
  const data = json.data;
  if (!Array.isArray(data) || data.length === 0) throw fail('the images API answered no "data" list of images');
  const images: JsonObject[] = [];
  for (const [i, item] of data.slice(0, req.n).entries()) {
    const d = (item && typeof item === 'object' ? item : {}) as Record<string, unknown>;
    let bytes: Buffer;
    if (typeof d.b64_json === 'string' && d.b64_json.length > 0) {
      if (!/^[A-Za-z0-9+/=\s]+$/.test(d.b64_json)) throw fail(`image ${i + 1} is not base64`);
      bytes = Buffer.from(d.b64_json, 'base64');
    } else if (typeof d.url === 'string' && /^https?:\/\//.test(d.url)) {
      let r: Response;
      try {
        r = await fetch(d.url, { signal: timeout });
      } catch (err) {
        throw fail(`image ${i + 1} could not be downloaded: ${fetchFailure(err, d.url)}`);
      }
      if (!r.ok) {
        await r.body?.cancel();
        throw fail(`image ${i + 1} could not be downloaded (HTTP ${r.status})`);
      }
      bytes = await readCapped(r, { max: MAX_IMAGE_BYTES, url: d.url, what: `image ${i + 1}`, error: fail });
    } else {
      throw fail(`image ${i + 1} in the answer has neither b64_json nor an http(s) url`);
    }
    if (bytes.length > MAX_IMAGE_BYTES) throw fail(`image ${i + 1}: ${bytes.length} bytes is over the ${MAX_IMAGE_BYTES}-byte limit`);
    let jpeg: Buffer;
    try {
      // Decoding fails on anything that is not a picture; sharp is loaded with the first picture, not at start.
      jpeg = await sharp()(bytes, { limitInputPixels: 50_000_000 }).flatten({ background: '#ffffff' }).jpeg({ quality: 90 }).toBuffer();
    } catch {
      throw fail(`image ${i + 1} in the answer is not a picture (unreadable image data)`);
    }
    const meta = await store.save(jpeg, { source: 'image', camera: 'generated' });
    const out: JsonObject = { snapshot_id: meta.id, width: meta.width, height: meta.height, url: snapshotUrl(meta.id) };
    if (typeof d.revised_prompt === 'string') out.revised_prompt = d.revised_prompt.slice(0, 1000);
    images.push(out);
  }
  return { prompt: req.prompt, count: images.length, images };
}

export function registerImageGenerate(registry: ActionRegistry, opts: ImageOptions, store: SnapshotStore): void {
  registry.register({
    name: 'image_generate',
    description:
      'Generate pictures from a description (an OpenAI-compatible images API). They are kept as snapshots; send one with openclaw_send_media {snapshot_id}.',
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['prompt'],
      properties: {
        prompt: { type: 'string', minLength: 1, maxLength: 4000 },
        size: { type: 'string', pattern: '^[1-9][0-9]{1,3}x[1-9][0-9]{1,3}$', description: 'WIDTHxHEIGHT, e.g. 1024x1024' },
        n: { type: 'integer', minimum: 1, maximum: 4, default: 1 },
      },
    },
    risk: 'safe',
    provider: 'images',
    timeoutMs: 150_000,
    handler: async (p, ctx) => {
      if (!opts.url) throw new Error('image generation is off: set image_api_url to an OpenAI-compatible images API (and image_api_key)');
      return generateImages(opts, store, { prompt: String(p.prompt), size: p.size as string | undefined, n: Number(p.n ?? 1) }, ctx.signal);
    },
  });
}

// A fake OpenAI-compatible images API: POST /v1/images/generations {prompt, n?, size?, model?, response_format?}
// → {created, data:[{b64_json | url, revised_prompt}]}, with the API's error shape ({error:{message, type, code}}) for
// a wrong key (401) and bad requests (400). The pictures are real PNGs of the asked size (one colour per prompt), and
// `url` answers serve them from /files/. Tests can make it answer garbage.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

export type FakeImagesMode = 'ok' | 'not-json' | 'no-data' | 'not-an-image' | 'empty-item';

export interface FakeImagesApi {
  /** The API base (ends in /v1), as image_api_url takes it. */
  url: string;
  key: string;
  mode: FakeImagesMode;
  /** Answer urls even when b64_json was asked for (as some servers do). */
  answerUrls: boolean;
  requests: Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

const SIZES = /^(\d{2,4})x(\d{2,4})$/;

export async function startFakeImagesApi(opts: { key?: string } = {}): Promise<FakeImagesApi> {
  const files = new Map<string, Buffer>();
  const state = {
    key: opts.key ?? 'sk-test-images',
    mode: 'ok' as FakeImagesMode,
    answerUrls: false,
    requests: [] as Array<Record<string, unknown>>,
  };
  const error = (res: ServerResponse, status: number, message: string, type: string, code: string | null = null) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message, type, param: null, code } }));

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && u.pathname.startsWith('/files/')) {
      const f = files.get(u.pathname.slice('/files/'.length));
      if (!f) return void res.writeHead(404).end();
      return void res.writeHead(200, { 'content-type': 'image/png', 'content-length': f.length }).end(f);
    }
    if (req.method !== 'POST' || u.pathname !== '/v1/images/generations')
      return error(res, 404, `Invalid URL (${req.method} ${u.pathname})`, 'invalid_request_error');
    if (req.headers.authorization !== `Bearer ${state.key}`)
      return error(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
    let text = '';
    for await (const c of req) text += String(c);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text);
    } catch {
      return error(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error');
    }
    state.requests.push(body);
    if (typeof body.prompt !== 'string' || !body.prompt) return error(res, 400, "'prompt' is a required property", 'invalid_request_error');
    const n = body.n === undefined ? 1 : Number(body.n);
    if (!Number.isInteger(n) || n < 1 || n > 10) return error(res, 400, `${body.n} is not a valid n`, 'invalid_request_error');
    const size = SIZES.exec(String(body.size ?? '256x256'));
    if (!size) return error(res, 400, `'${body.size}' is not one of the supported sizes`, 'invalid_request_error');
    if (state.mode === 'not-json') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>gateway error</html>');
    if (state.mode === 'no-data')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"created":1,"result":"done"}');
    const [w, h] = [Math.min(Number(size[1]), 2048), Math.min(Number(size[2]), 2048)];
    const hue = createHash('sha256').update(body.prompt).digest();
    const data: Array<Record<string, unknown>> = [];
    for (let i = 0; i < n; i++) {
      if (state.mode === 'empty-item') {
        data.push({ revised_prompt: body.prompt });
        continue;
      }
      const png =
        state.mode === 'not-an-image'
          ? Buffer.from('this is not a picture at all')
          : await sharp({ create: { width: w, height: h, channels: 3, background: { r: hue[0], g: hue[1], b: (hue[2] + i * 40) % 256 } } })
              .png()
              .toBuffer();
      if (body.response_format === 'url' || state.answerUrls) {
        const id = `${randomUUID()}.png`;
        files.set(id, png);
        data.push({ url: `${base}/files/${id}`, revised_prompt: body.prompt });
      } else data.push({ b64_json: png.toString('base64'), revised_prompt: body.prompt });
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ created: Math.floor(Date.now() / 1000), data }));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => error(res, 500, String(err), 'server_error'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fake = state as unknown as FakeImagesApi;
  fake.url = `${base}/v1`;
  fake.stop = () => new Promise<void>((r) => server.close(() => r()));
  return fake;
}

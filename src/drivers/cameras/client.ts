// One ONVIF camera through the `onvif` package's promise API, with its traps guarded: every call has a deadline, an
// exception thrown inside the library's callbacks becomes a rejected call (never an uncaught exception), services are
// reached at the configured address (preserveAddress), everything we put into its XML is validated or escaped, and
// preset tokens are strings. Failures are classified into what a person can act on (unreachable, not authorised,
// clock skew, no PTZ).
import { createHash, randomBytes } from 'node:crypto';
import type { Cam as OnvifCam } from 'onvif/promises';
import { fetchFailure, readCapped } from '../../util/http';

export interface CameraConfig {
  name: string;
  host: string;
  port: number;
  username: string;
  password: string;
  profile?: string;
}

export type CameraStatus = 'connecting' | 'ok' | 'unreachable' | 'not authorised' | 'clock skew' | 'no PTZ' | 'bad response';

export class CameraError extends Error {
  constructor(
    readonly status: CameraStatus,
    message: string,
  ) {
    super(message);
    this.name = 'CameraError';
  }
}

export interface Preset {
  token: string;
  name: string;
}

export interface MotionMessage {
  isMotion: boolean;
  topic: string;
  time: string | null;
  source: Record<string, string>;
}

/** Tokens go into the library's XML unescaped: only plain token characters are let through. */
export const TOKEN_RE = /^[A-Za-z0-9_.:-]{1,64}$/;
const CLOCK_WINDOW_MS = 5 * 60_000;
const MAX_SNAPSHOT_BYTES_DEFAULT = 8 * 1024 * 1024;

export function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

function xmlUnescape(s: string): string {
  return s.replace(/&(lt|gt|amp|apos|quot);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' })[e]!);
}

// biome-ignore lint/suspicious/noExplicitAny: the library's objects are untyped parsed XML
type Loose = any;

/** The error a camera call failed with, classified. */
export function classify(err: unknown): CameraError {
  if (err instanceof CameraError) return err;
  const e = err as { message?: string; code?: string };
  const msg = String(e?.message ?? err);
  if (/NotAuthori[sz]ed|not authori[sz]ed|Digest authentication failed|\b401\b/i.test(msg))
    return new CameraError('not authorised', 'not authorised: the camera refused the username or password');
  if (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE'].includes(e?.code ?? '') ||
    /Network timeout|timed out|socket hang up|ECONNREFUSED|ECONNRESET/i.test(msg)
  )
    return new CameraError('unreachable', `unreachable: ${e?.code ?? msg}`);
  if (/Wrong ONVIF SOAP response|Unrecognized configuration|Non-whitespace|Unexpected|Invalid character|Unclosed/i.test(msg))
    return new CameraError('bad response', `the camera answered something that is not ONVIF: ${msg.slice(0, 200)}`);
  if (/ONVIF SOAP Fault/.test(msg))
    return new CameraError('ok', `the camera refused: ${msg.replace(/^ONVIF SOAP Fault:\s*/, '').slice(0, 300)}`);
  return new CameraError('bad response', msg.slice(0, 300));
}

export class OnvifCamera {
  private cam: Loose = null;
  private readonly inflight = new Set<(err: Error) => void>();
  private profileToken: string | null = null;
  private ptz = false;
  private presetCache: Preset[] | null = null;
  /** Camera clock minus ours, in ms, when known (HTTP Date header of its answers: second resolution). */
  skewMs: number | null = null;
  info: { manufacturer?: string; model?: string } = {};

  constructor(
    readonly config: CameraConfig,
    private readonly opts: { timeoutMs: number; maxSnapshotBytes?: number },
  ) {}

  get hasPtz(): boolean {
    return this.ptz;
  }

  /** Connects (date, services, profiles, sources) and picks the profile; throws a classified CameraError. */
  async connect(): Promise<void> {
    this.close();
    const c = this.config;
    // The onvif module (about 11 MB resident once loaded) is loaded when a camera is first connected, not at start.
    const { Cam } = require('onvif/promises') as { Cam: typeof OnvifCam };
    this.cam = new Cam({
      hostname: c.host,
      port: c.port,
      username: c.username,
      password: c.password,
      preserveAddress: true,
      timeout: this.opts.timeoutMs,
    });
    this.guard(this.cam);
    try {
      await this.call('connect', () => this.cam.connect());
    } catch (err) {
      const e = classify(err);
      if (e.status === 'not authorised' || e.status === 'bad response') await this.explainRefusal(e);
      throw e;
    }
    const profiles: Loose[] = this.cam.profiles ?? [];
    const active = this.cam.activeSource;
    if (!active) throw new CameraError('bad response', 'the camera has no usable media profile (video source + encoder)');
    if (c.profile) {
      const p = profiles.find((x) => String(x?.$?.token) === c.profile || x?.name === c.profile);
      if (!p)
        throw new CameraError(
          'bad response',
          `profile "${c.profile}" not found; the camera has ${profiles.map((x) => `${x?.name} (${x?.$?.token})`).join(', ')}`,
        );
      this.profileToken = String(p.$.token);
      this.ptz = Boolean(this.cam.uri?.ptz && p.PTZConfiguration);
    } else {
      this.profileToken = String(active.profileToken);
      this.ptz = Boolean(this.cam.uri?.ptz && active.ptz);
    }
    if (!TOKEN_RE.test(this.profileToken)) throw new CameraError('bad response', 'the camera reported a malformed profile token');
    this.presetCache = null;
  }

  /** Drops the connection; calls in flight fail with `reason` (a classified "unreachable: …" when it was lost). */
  close(reason = 'unreachable: the connection was closed'): void {
    if (this.cam) this.cam.removeAllListeners?.();
    this.cam = null;
    for (const reject of [...this.inflight]) reject(new CameraError('unreachable', reason));
  }

  async presets(fresh = false): Promise<Preset[]> {
    this.needPtz();
    if (this.presetCache && !fresh) return this.presetCache;
    const res: Record<string, Loose> = await this.call('GetPresets', () => this.cam.getPresets({ profileToken: this.profileToken }));
    const list: Preset[] = [];
    for (const [name, p] of Object.entries(res ?? {})) {
      const token = p?.$?.token;
      if (token === undefined || token === null) continue;
      list.push({ token: String(token), name: String(p?.name ?? name) });
    }
    this.presetCache = list;
    return list;
  }

  async gotoPreset(token: string): Promise<void> {
    this.needPtz();
    if (!TOKEN_RE.test(token)) throw new CameraError('ok', `preset token "${token.slice(0, 40)}" has characters a token cannot have`);
    await this.call('GotoPreset', () => this.cam.gotoPreset({ profileToken: this.profileToken, preset: token }));
  }

  async setPreset(name: string, token?: string): Promise<string> {
    this.needPtz();
    if (token !== undefined && !TOKEN_RE.test(token)) throw new CameraError('ok', 'malformed preset token');
    const res = await this.call('SetPreset', () =>
      this.cam.setPreset({ profileToken: this.profileToken, presetName: xmlEscape(name), presetToken: token }),
    );
    this.presetCache = null;
    const found = JSON.stringify(res ?? '').match(/"presetToken":\["?([^"\]]+)"?\]/);
    return found ? String(found[1]) : (token ?? '');
  }

  async continuousMove(pan: number, tilt: number, zoom: number, timeoutS: number): Promise<void> {
    this.needPtz();
    const n = (v: number) => Math.round(Math.max(-1, Math.min(1, v)) * 1000) / 1000;
    await this.call('ContinuousMove', () =>
      this.cam.continuousMove({
        profileToken: this.profileToken,
        x: n(pan),
        y: n(tilt),
        zoom: n(zoom),
        timeout: Math.round(timeoutS * 1000),
      }),
    );
  }

  async stop(): Promise<void> {
    this.needPtz();
    await this.call('Stop', () => this.cam.stop({ profileToken: this.profileToken, panTilt: true, zoom: true }));
  }

  async status(): Promise<{ x: number; y: number; zoom: number; moving: boolean }> {
    this.needPtz();
    const s: Loose = await this.call('GetStatus', () => this.cam.getStatus({ profileToken: this.profileToken }));
    return {
      x: Number(s?.position?.x ?? 0),
      y: Number(s?.position?.y ?? 0),
      zoom: Number(s?.position?.zoom ?? 0),
      moving: JSON.stringify(s?.moveStatus ?? '').includes('MOVING'),
    };
  }

  /** The JPEG at the snapshot URI (HTTP Digest or Basic auth as the camera asks), capped in size. */
  async snapshot(signal?: AbortSignal): Promise<{ image: Buffer; contentType: string }> {
    this.needConnected();
    const res: Loose = await this.call('GetSnapshotUri', () => this.cam.getSnapshotUri({ profileToken: this.profileToken }));
    const raw = typeof res?.uri === 'string' ? res.uri : null;
    if (!raw) throw new CameraError('bad response', 'the camera gave no snapshot URI');
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new CameraError('bad response', 'the camera gave a malformed snapshot URI');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CameraError('bad response', `snapshot URI scheme ${url.protocol}`);
    // Reached at the configured address, like the services (cameras behind NAT report their inside address).
    url.hostname = this.config.host;
    url.port = String(this.config.port);
    return fetchImage(url, this.config, this.opts.maxSnapshotBytes ?? MAX_SNAPSHOT_BYTES_DEFAULT, this.opts.timeoutMs, signal);
  }

  /** Opens a pull-point subscription; answers its termination time (ms, camera clock). */
  async subscribe(): Promise<void> {
    this.needConnected();
    await this.call('CreatePullPointSubscription', () => this.cam.createPullPointSubscription());
  }

  async renew(): Promise<void> {
    await this.call('Renew', () => this.cam.renew({}));
  }

  /** One PullMessages (the camera holds it open up to a minute); motion messages only. */
  async pull(): Promise<MotionMessage[]> {
    const data: Loose = await this.call('PullMessages', () => this.cam.pullMessages({ messageLimit: 20 }), 85_000);
    const raw = data?.notificationMessage;
    const msgs: Loose[] = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    const out: MotionMessage[] = [];
    for (const m of msgs) {
      const topic = String(m?.topic?._ ?? m?.topic ?? '');
      const inner = m?.message?.message;
      const items = (v: Loose): Record<string, string> => {
        const list = v?.simpleItem === undefined ? [] : Array.isArray(v.simpleItem) ? v.simpleItem : [v.simpleItem];
        return Object.fromEntries(list.map((i: Loose) => [String(i?.$?.Name ?? ''), String(i?.$?.Value ?? '')]));
      };
      const data = items(inner?.data);
      const motionKey = ['IsMotion', 'State', 'Motion'].find((k) => k in data);
      if (!/Motion/i.test(topic) || !motionKey) continue;
      out.push({
        isMotion: data[motionKey] === 'true' || data[motionKey] === '1',
        topic,
        time: inner?.$?.UtcTime ? String(inner.$.UtcTime) : null,
        source: items(inner?.source),
      });
    }
    return out;
  }

  async unsubscribe(): Promise<void> {
    if (!this.cam?.events?.subscription) return;
    await this.call('Unsubscribe', () => this.cam.unsubscribe(), 3000).catch(() => undefined);
  }

  /** Forget the camera's clock offset so the next call learns it again (a camera whose clock jumped: agsh/onvif#249). */
  async resyncClock(): Promise<void> {
    if (!this.cam) return;
    this.cam.timeShift = undefined;
    await this.call('GetSystemDateAndTime', () => this.cam.getSystemDateAndTime());
  }

  private needConnected(): void {
    if (!this.cam || !this.profileToken) throw new CameraError('unreachable', 'not connected');
  }

  private needPtz(): void {
    this.needConnected();
    if (!this.ptz) throw new CameraError('no PTZ', `camera ${this.config.name} has no PTZ (pan/tilt/zoom) service`);
  }

  /** A library call with a deadline, rejected (never thrown) when the library's own callback code throws. */
  private call<T>(what: string, fn: () => Promise<T>, timeoutMs = this.opts.timeoutMs + 1000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const finish = (err: Error | null, value?: T) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.inflight.delete(fail);
        if (err) reject(err);
        else resolve(value as T);
      };
      const fail = (err: Error) => finish(err);
      const timer = setTimeout(
        () => finish(new CameraError('unreachable', `unreachable: ${what} got no answer in ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.inflight.add(fail);
      try {
        fn().then(
          (v) => finish(null, v),
          (e) => finish(e instanceof Error ? e : new Error(String(e))),
        );
      } catch (e) {
        finish(e as Error);
      }
    });
  }

  /**
   * The library parses answers inside http/xml2js callbacks and lets its own exceptions escape there (a profile
   * without an encoder: "Unrecognized configuration"). Every request callback is wrapped so such an exception fails the
   * calls in flight instead of the process.
   */
  private guard(cam: Loose): void {
    // The promise API's proxy hides the callback instance; EventEmitter#on answers it (`this`).
    const inner = cam.on('error', () => undefined);
    inner.on('warning', () => undefined);
    const request = inner._request;
    const failAll = (err: Error) => {
      for (const reject of [...this.inflight]) reject(err);
    };
    inner._request = function guarded(this: Loose, options: Loose, callback: (...a: Loose[]) => void) {
      const safe = function (this: Loose, ...args: Loose[]) {
        try {
          return callback.apply(this, args);
        } catch (err) {
          failAll(err instanceof Error ? err : new Error(String(err)));
        }
      };
      try {
        return request.call(this, options, safe);
      } catch (err) {
        failAll(err instanceof Error ? err : new Error(String(err)));
      }
    };
  }

  /** A refused login: is it the password, or a camera clock so far off that our timestamps look stale? */
  private async explainRefusal(e: CameraError): Promise<void> {
    const skew = await probeClock(this.config, this.opts.timeoutMs).catch(() => null);
    this.skewMs = skew;
    if (skew !== null && Math.abs(skew) > CLOCK_WINDOW_MS) {
      const mins = Math.round(skew / 60_000);
      Object.assign(e, {
        status: 'clock skew' as CameraStatus,
        message: `clock skew: the camera's clock is ${Math.abs(mins)} min ${mins > 0 ? 'ahead of' : 'behind'} ours, so it refuses our signed requests as stale; set its time (NTP)`,
      });
    }
  }
}

/** Camera clock minus ours (ms) from the Date header of an unauthenticated GetSystemDateAndTime. */
async function probeClock(c: CameraConfig, timeoutMs: number): Promise<number | null> {
  const body =
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>' +
    '<GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/></s:Body></s:Envelope>';
  const started = Date.now();
  const res = await fetch(`http://${c.host}:${c.port}/onvif/device_service`, {
    method: 'POST',
    headers: { 'content-type': 'application/soap+xml; charset=utf-8' },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  const m =
    /<(?:\w+:)?UTCDateTime>[\s\S]*?Hour>(\d+)<[\s\S]*?Minute>(\d+)<[\s\S]*?Second>(\d+)<[\s\S]*?Year>(\d+)<[\s\S]*?Month>(\d+)<[\s\S]*?Day>(\d+)</.exec(
      text,
    );
  const mid = (started + Date.now()) / 2;
  if (m) return Date.UTC(+m[4], +m[5] - 1, +m[6], +m[1], +m[2], +m[3]) - mid;
  const date = res.headers.get('date');
  return date ? Date.parse(date) - mid : null;
}

/** GET an image with HTTP Digest (MD5, qop=auth) or Basic auth, streaming with a byte cap. */
export async function fetchImage(
  url: URL,
  cred: { username: string; password: string },
  maxBytes: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ image: Buffer; contentType: string }> {
  const sig = signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
  const get = (authorization?: string) =>
    fetch(url, { headers: authorization ? { authorization } : {}, signal: sig, redirect: 'error' }).catch((err: Error) => {
      throw new CameraError('unreachable', `unreachable: snapshot: ${fetchFailure(err, url)}`);
    });
  let res = await get();
  if (res.status === 401) {
    const challenge = res.headers.get('www-authenticate') ?? '';
    await res.body?.cancel();
    res = await get(authorizationFor(challenge, url, cred));
    if (res.status === 401) {
      await res.body?.cancel();
      throw new CameraError('not authorised', 'not authorised: the camera refused the credentials for its snapshot');
    }
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new CameraError('ok', `the snapshot URI answered HTTP ${res.status}`);
  }
  const image = await readCapped(res, {
    max: maxBytes,
    url,
    what: 'snapshot refused',
    error: (m) => new CameraError('ok', m),
  });
  return { image, contentType: res.headers.get('content-type') ?? '' };
}

function authorizationFor(challenge: string, url: URL, cred: { username: string; password: string }): string {
  if (/^Basic/i.test(challenge)) return `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}`;
  const f: Record<string, string> = {};
  for (const m of challenge.replace(/^Digest\s+/i, '').matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) f[m[1]] = xmlUnescape(m[2] ?? m[3]);
  const algo = (f.algorithm ?? 'MD5').toUpperCase().replace('-', '');
  const hash = (s: string) =>
    createHash(algo === 'SHA256' ? 'sha256' : 'md5')
      .update(s)
      .digest('hex');
  const uri = url.pathname + url.search;
  const cnonce = randomBytes(8).toString('hex');
  const nc = '00000001';
  const ha1 = hash(`${cred.username}:${f.realm}:${cred.password}`);
  const ha2 = hash(`GET:${uri}`);
  const qop = f.qop ? 'auth' : undefined;
  const response = qop ? hash(`${ha1}:${f.nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : hash(`${ha1}:${f.nonce}:${ha2}`);
  const q = (s: string) => s.replace(/["\\]/g, '');
  return (
    `Digest username="${q(cred.username)}", realm="${q(f.realm ?? '')}", nonce="${q(f.nonce ?? '')}", uri="${q(uri)}", ` +
    `response="${response}"${f.opaque ? `, opaque="${q(f.opaque)}"` : ''}${f.algorithm ? `, algorithm=${f.algorithm}` : ''}` +
    (qop ? `, qop=${qop}, nc=${nc}, cnonce="${cnonce}"` : '')
  );
}

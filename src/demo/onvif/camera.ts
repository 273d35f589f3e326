// A simulated ONVIF PTZ camera on node:http, faithful to the ONVIF specs (Core, Media ver10, PTZ ver20, Events ver10)
// rather than to any client: SOAP 1.2 envelopes, WS-Security UsernameToken digest verified against the camera's own
// clock (stale Created and replayed nonces refused with ter:NotAuthorized), presets that move the position, continuous
// move with a timeout and Stop, pull-point event subscriptions with Renew/Unsubscribe, a JPEG snapshot behind HTTP
// Digest authentication, and ter:ActionNotSupported for everything else.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type SharpModule from 'sharp';

export interface SimCameraOptions {
  username?: string;
  password?: string;
  host?: string;
  port?: number;
  /** The camera's clock is this many ms ahead of ours (negative: behind). */
  clockOffsetMs?: number;
  /** Some cameras answer GetSystemDateAndTime only with credentials (agsh/onvif#301). */
  timeNeedsAuth?: boolean;
  /** No PTZ service or configuration (a fixed camera). */
  noPtz?: boolean;
  /** A profile without a video encoder configuration (legal ONVIF; the `onvif` client throws inside a callback on it). */
  noEncoder?: boolean;
  /** What the snapshot URI serves: a JPEG, an oversized JPEG, or a PNG with a JPEG content type. */
  snapshot?: 'jpeg' | 'oversized' | 'not-jpeg';
  /** Allowed difference between Created and the camera's clock (ONVIF suggests a few minutes). */
  createdWindowMs?: number;
  /** Longest a PullMessages call is held open when nothing happens (a test speeds this up). */
  maxPullWaitMs?: number;
}

export interface PtzPosition {
  x: number;
  y: number;
  zoom: number;
}

interface Preset extends PtzPosition {
  token: string;
  name: string;
}

interface Subscription {
  id: string;
  expires: number;
  queue: string[];
  waiting: { resolve: () => void; timer: NodeJS.Timeout } | null;
}

export interface SimCamera {
  url: string;
  port: number;
  /** Current PTZ position (continuous moves integrate over time). */
  position(): PtzPosition;
  moving(): boolean;
  presets(): { token: string; name: string }[];
  /** Emits a motion event (IsMotion) to every live pull-point subscription. */
  motion(isMotion: boolean): void;
  /** Requests by action name, for tests. */
  readonly requests: string[];
  /** Failed authentications by reason (bad-digest, stale, replay, missing). */
  readonly authFailures: string[];
  subscriptions(): number;
  set(options: Partial<Pick<SimCameraOptions, 'password' | 'clockOffsetMs' | 'snapshot' | 'timeNeedsAuth'>>): void;
  stop(): Promise<void>;
}

const NS = {
  s: 'http://www.w3.org/2003/05/soap-envelope',
  tt: 'http://www.onvif.org/ver10/schema',
  tds: 'http://www.onvif.org/ver10/device/wsdl',
  trt: 'http://www.onvif.org/ver10/media/wsdl',
  tptz: 'http://www.onvif.org/ver20/ptz/wsdl',
  tev: 'http://www.onvif.org/ver10/events/wsdl',
  wsnt: 'http://docs.oasis-open.org/wsn/b-2',
  wsa: 'http://www.w3.org/2005/08/addressing',
  ter: 'http://www.onvif.org/ver10/error',
  tns1: 'http://www.onvif.org/ver10/topics',
  'wsrf-rw': 'http://docs.oasis-open.org/wsrf/rw-2',
};

const MAX_BODY = 256 * 1024;
const PROFILE = 'profile_main';
const SOURCE = 'video_source_0';

export function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

function xmlUnescape(s: string): string {
  return s.replace(/&(lt|gt|amp|apos|quot);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' })[e]!);
}

/** Text of the first element with this local name (any prefix), unescaped; null when absent. */
function textOf(xml: string, local: string): string | null {
  const m = new RegExp(`<(?:[\\w-]+:)?${local}(?:\\s[^>]*)?>([^<]*)</(?:[\\w-]+:)?${local}>`).exec(xml);
  return m ? xmlUnescape(m[1].trim()) : null;
}

/** Attribute of the first element with this local name. */
function attrOf(xml: string, local: string, attr: string): string | null {
  const m = new RegExp(`<(?:[\\w-]+:)?${local}\\s[^>]*?\\b${attr}="([^"]*)"`).exec(xml);
  return m ? xmlUnescape(m[1]) : null;
}

function envelope(body: string, header = ''): string {
  const ns = Object.entries(NS)
    .map(([p, u]) => `xmlns:${p}="${u}"`)
    .join(' ');
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope ${ns}><s:Header>${header}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
}

class Fault {
  constructor(
    readonly status: number,
    readonly code: 'Sender' | 'Receiver',
    readonly subcodes: string[],
    readonly reason: string,
  ) {}

  xml(): string {
    const sub = this.subcodes.map((c) => `<s:Subcode><s:Value>${c}</s:Value>`).join('') + '</s:Subcode>'.repeat(this.subcodes.length);
    return envelope(
      `<s:Fault><s:Code><s:Value>s:${this.code}</s:Value>${sub}</s:Code>` +
        `<s:Reason><s:Text xml:lang="en">${xmlEscape(this.reason)}</s:Text></s:Reason></s:Fault>`,
    );
  }
}

const notAuthorized = () => new Fault(400, 'Sender', ['ter:NotAuthorized'], 'Sender not Authorized');
const invalidArg = (sub: string, reason: string) => new Fault(400, 'Sender', ['ter:InvalidArgVal', sub], reason);
const notSupported = (action: string) =>
  new Fault(500, 'Receiver', ['ter:ActionNotSupported'], `Optional Action Not Implemented: ${action}`);

function dateTimeXml(d: Date): string {
  return (
    `<tt:Time><tt:Hour>${d.getUTCHours()}</tt:Hour><tt:Minute>${d.getUTCMinutes()}</tt:Minute><tt:Second>${d.getUTCSeconds()}</tt:Second></tt:Time>` +
    `<tt:Date><tt:Year>${d.getUTCFullYear()}</tt:Year><tt:Month>${d.getUTCMonth() + 1}</tt:Month><tt:Day>${d.getUTCDate()}</tt:Day></tt:Date>`
  );
}

/** ISO 8601 duration "PT1M30S"/"PT5S"/"PT0.5S" in ms; null when unparsable. */
export function parseDuration(d: string | null): number | null {
  if (!d) return null;
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(d.trim());
  if (!m || d.trim() === 'P' || d.trim() === 'PT') return null;
  return ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0)) * 1000;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export async function startSimCamera(opts: SimCameraOptions = {}): Promise<SimCamera> {
  const o = {
    username: 'admin',
    password: 'secret',
    clockOffsetMs: 0,
    timeNeedsAuth: false,
    noPtz: false,
    noEncoder: false,
    snapshot: 'jpeg' as SimCameraOptions['snapshot'],
    createdWindowMs: 5 * 60_000,
    maxPullWaitMs: 60_000,
    ...opts,
  };
  const now = () => Date.now() + o.clockOffsetMs;
  const requests: string[] = [];
  const authFailures: string[] = [];
  const seenNonces = new Map<string, number>();
  const subs = new Map<string, Subscription>();
  const digestNonces = new Set<string>();
  let pos: PtzPosition = { x: 0, y: 0, zoom: 0 };
  let move: { vx: number; vy: number; vz: number; since: number; timer: NodeJS.Timeout | null } | null = null;
  const presets = new Map<string, Preset>([
    ['1', { token: '1', name: 'Front door', x: -0.5, y: 0.1, zoom: 0.2 }],
    ['2', { token: '2', name: 'Driveway', x: 0.6, y: -0.2, zoom: 0 }],
    ['3', { token: '3', name: 'Garden', x: 0.1, y: -0.4, zoom: 0.5 }],
  ]);
  let nextPreset = 4;
  let nextSub = 1;
  // Loaded here, not at import: the demo is imported by the composition root even when no simulator runs.
  const sharp = require('sharp') as typeof SharpModule;
  const jpeg = await sharp({ create: { width: 640, height: 360, channels: 3, background: { r: 40, g: 90, b: 140 } } })
    .jpeg({ quality: 70 })
    .toBuffer();
  // A JPEG larger than any snapshot should be (12 MiB of entropy-coded noise before its end marker), made on first use.
  let bigJpeg: Buffer | null = null;
  const oversized = () =>
    (bigJpeg ??= Buffer.concat([jpeg.subarray(0, jpeg.length - 2), randomBytes(12 * 1024 * 1024), jpeg.subarray(jpeg.length - 2)]));
  const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 0, g: 0, b: 0 } } })
    .png()
    .toBuffer();

  const position = (): PtzPosition => {
    if (!move) return pos;
    const dt = (Date.now() - move.since) / 1000;
    return { x: clamp(pos.x + move.vx * dt, -1, 1), y: clamp(pos.y + move.vy * dt, -1, 1), zoom: clamp(pos.zoom + move.vz * dt, 0, 1) };
  };
  const stopMove = () => {
    if (!move) return;
    pos = position();
    if (move.timer) clearTimeout(move.timer);
    move = null;
  };

  /** WS-Security UsernameToken (digest) in the SOAP header; throws NotAuthorized with the reason noted. */
  const authenticate = (xml: string): void => {
    const header = /<(?:[\w-]+:)?Header[\s>][\s\S]*?<\/(?:[\w-]+:)?Header>/.exec(xml)?.[0] ?? '';
    const user = textOf(header, 'Username');
    const digest = textOf(header, 'Password');
    const nonce = textOf(header, 'Nonce');
    const created = textOf(header, 'Created');
    const fail: (why: string) => never = (why) => {
      authFailures.push(why);
      throw notAuthorized();
    };
    if (!user || !digest || !nonce || !created) fail('missing');
    const expected = createHash('sha1')
      .update(Buffer.concat([Buffer.from(nonce, 'base64'), Buffer.from(created, 'utf8'), Buffer.from(o.password, 'utf8')]))
      .digest('base64');
    if (user !== o.username || expected !== digest) fail('bad-digest');
    const t = Date.parse(created);
    if (!Number.isFinite(t) || Math.abs(now() - t) > o.createdWindowMs) fail('stale');
    for (const [n, at] of seenNonces) if (now() - at > 2 * o.createdWindowMs) seenNonces.delete(n);
    if (seenNonces.has(nonce)) fail('replay');
    seenNonces.set(nonce, now());
  };

  const ptzStatus = () => {
    const p = position();
    return (
      `<tptz:PTZStatus><tt:Position><tt:PanTilt x="${p.x.toFixed(4)}" y="${p.y.toFixed(4)}" space="http://www.onvif.org/ver10/tptz/PanTiltSpaces/PositionGenericSpace"/>` +
      `<tt:Zoom x="${p.zoom.toFixed(4)}" space="http://www.onvif.org/ver10/tptz/ZoomSpaces/PositionGenericSpace"/></tt:Position>` +
      `<tt:MoveStatus><tt:PanTilt>${move ? 'MOVING' : 'IDLE'}</tt:PanTilt><tt:Zoom>${move ? 'MOVING' : 'IDLE'}</tt:Zoom></tt:MoveStatus>` +
      `<tt:UtcTime>${new Date(now()).toISOString()}</tt:UtcTime></tptz:PTZStatus>`
    );
  };

  const checkProfile = (xml: string) => {
    const token = textOf(xml, 'ProfileToken');
    if (token !== PROFILE) throw invalidArg('ter:NoProfile', `The requested profile token ${token ?? '(none)'} does not exist`);
  };

  const vector = (xml: string, el: string) => {
    const block = new RegExp(`<(?:[\\w-]+:)?${el}[\\s>][\\s\\S]*?</(?:[\\w-]+:)?${el}>`).exec(xml)?.[0] ?? '';
    const num = (v: string | null) => (v === null ? 0 : Number(v));
    const vx = num(attrOf(block, 'PanTilt', 'x'));
    const vy = num(attrOf(block, 'PanTilt', 'y'));
    const vz = num(attrOf(block, 'Zoom', 'x'));
    if (![vx, vy, vz].every(Number.isFinite)) throw invalidArg('ter:InvalidVelocity', `${el} is not a number`);
    return { vx, vy, vz };
  };

  const base = () => `http://${o.host ?? '127.0.0.1'}:${port}`;

  const handle = async (service: string, action: string, xml: string): Promise<string> => {
    const ptz = !o.noPtz;
    switch (`${service}/${action}`) {
      case 'device/GetSystemDateAndTime':
        return (
          `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>` +
          `<tt:TimeZone><tt:TZ>UTC0</tt:TZ></tt:TimeZone><tt:UTCDateTime>${dateTimeXml(new Date(now()))}</tt:UTCDateTime>` +
          `</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`
        );
      case 'device/GetServices': {
        const svc = (ns: string, path: string, v: [number, number]) =>
          `<tds:Service><tds:Namespace>${ns}</tds:Namespace><tds:XAddr>${base()}/onvif/${path}</tds:XAddr>` +
          `<tds:Version><tt:Major>${v[0]}</tt:Major><tt:Minor>${v[1]}</tt:Minor></tds:Version></tds:Service>`;
        return (
          '<tds:GetServicesResponse>' +
          svc(NS.tds, 'device_service', [2, 60]) +
          svc(NS.trt, 'media_service', [2, 60]) +
          (ptz ? svc(NS.tptz, 'ptz_service', [2, 60]) : '') +
          svc(NS.tev, 'events_service', [2, 60]) +
          '</tds:GetServicesResponse>'
        );
      }
      case 'device/GetCapabilities':
        return (
          `<tds:GetCapabilitiesResponse><tds:Capabilities><tt:Device><tt:XAddr>${base()}/onvif/device_service</tt:XAddr></tt:Device>` +
          `<tt:Events><tt:XAddr>${base()}/onvif/events_service</tt:XAddr><tt:WSSubscriptionPolicySupport>false</tt:WSSubscriptionPolicySupport>` +
          `<tt:WSPullPointSupport>true</tt:WSPullPointSupport></tt:Events>` +
          `<tt:Media><tt:XAddr>${base()}/onvif/media_service</tt:XAddr></tt:Media>` +
          (ptz ? `<tt:PTZ><tt:XAddr>${base()}/onvif/ptz_service</tt:XAddr></tt:PTZ>` : '') +
          '</tds:Capabilities></tds:GetCapabilitiesResponse>'
        );
      case 'device/GetDeviceInformation':
        return (
          '<tds:GetDeviceInformationResponse><tds:Manufacturer>Butler Demo</tds:Manufacturer><tds:Model>PTZ-SIM 1</tds:Model>' +
          '<tds:FirmwareVersion>1.0.0</tds:FirmwareVersion><tds:SerialNumber>SIM0001</tds:SerialNumber><tds:HardwareId>1</tds:HardwareId>' +
          '</tds:GetDeviceInformationResponse>'
        );
      case 'media/GetProfiles':
        return (
          `<trt:GetProfilesResponse><trt:Profiles token="${PROFILE}" fixed="true"><tt:Name>Main</tt:Name>` +
          `<tt:VideoSourceConfiguration token="vsc_0"><tt:Name>VideoSource</tt:Name><tt:UseCount>1</tt:UseCount><tt:SourceToken>${SOURCE}</tt:SourceToken>` +
          '<tt:Bounds x="0" y="0" width="1920" height="1080"/></tt:VideoSourceConfiguration>' +
          (o.noEncoder
            ? ''
            : '<tt:VideoEncoderConfiguration token="vec_0"><tt:Name>H264</tt:Name><tt:UseCount>1</tt:UseCount><tt:Encoding>H264</tt:Encoding>' +
              '<tt:Resolution><tt:Width>1920</tt:Width><tt:Height>1080</tt:Height></tt:Resolution><tt:Quality>5</tt:Quality>' +
              '<tt:RateControl><tt:FrameRateLimit>25</tt:FrameRateLimit><tt:EncodingInterval>1</tt:EncodingInterval><tt:BitrateLimit>4096</tt:BitrateLimit></tt:RateControl>' +
              '<tt:SessionTimeout>PT60S</tt:SessionTimeout></tt:VideoEncoderConfiguration>') +
          (ptz
            ? '<tt:PTZConfiguration token="ptz_0"><tt:Name>PTZ</tt:Name><tt:UseCount>1</tt:UseCount><tt:NodeToken>ptz_node_0</tt:NodeToken>' +
              '<tt:DefaultPTZTimeout>PT5S</tt:DefaultPTZTimeout></tt:PTZConfiguration>'
            : '') +
          '</trt:Profiles></trt:GetProfilesResponse>'
        );
      case 'media/GetVideoSources':
        return (
          `<trt:GetVideoSourcesResponse><trt:VideoSources token="${SOURCE}"><tt:Framerate>25</tt:Framerate>` +
          '<tt:Resolution><tt:Width>1920</tt:Width><tt:Height>1080</tt:Height></tt:Resolution></trt:VideoSources></trt:GetVideoSourcesResponse>'
        );
      case 'media/GetSnapshotUri':
        checkProfile(xml);
        return (
          `<trt:GetSnapshotUriResponse><trt:MediaUri><tt:Uri>${base()}/onvif/snapshot.jpg</tt:Uri>` +
          '<tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout>' +
          '</trt:MediaUri></trt:GetSnapshotUriResponse>'
        );
      case 'ptz/GetPresets':
        checkProfile(xml);
        return `<tptz:GetPresetsResponse>${[...presets.values()]
          .map(
            (p) =>
              `<tptz:Preset token="${xmlEscape(p.token)}"><tt:Name>${xmlEscape(p.name)}</tt:Name><tt:PTZPosition>` +
              `<tt:PanTilt x="${p.x}" y="${p.y}"/><tt:Zoom x="${p.zoom}"/></tt:PTZPosition></tptz:Preset>`,
          )
          .join('')}</tptz:GetPresetsResponse>`;
      case 'ptz/GotoPreset': {
        checkProfile(xml);
        const token = textOf(xml, 'PresetToken') ?? '';
        const p = presets.get(token);
        if (!p) throw invalidArg('ter:NoToken', `The requested preset token ${token} does not exist`);
        stopMove();
        pos = { x: p.x, y: p.y, zoom: p.zoom };
        return '<tptz:GotoPresetResponse/>';
      }
      case 'ptz/SetPreset': {
        checkProfile(xml);
        const name = textOf(xml, 'PresetName');
        if (!name || name.length > 64) throw invalidArg('ter:InvalidPresetName', 'The preset name is missing or too long');
        const existing = textOf(xml, 'PresetToken');
        if ([...presets.values()].some((p) => p.name === name && p.token !== existing))
          throw invalidArg('ter:PresetExist', `A preset named ${name} already exists`);
        if (existing && !presets.has(existing)) throw invalidArg('ter:NoToken', `The preset token ${existing} does not exist`);
        const token = existing ?? String(nextPreset++);
        presets.set(token, { token, name, ...position() });
        return `<tptz:SetPresetResponse><tptz:PresetToken>${xmlEscape(token)}</tptz:PresetToken></tptz:SetPresetResponse>`;
      }
      case 'ptz/RemovePreset': {
        checkProfile(xml);
        const token = textOf(xml, 'PresetToken') ?? '';
        if (!presets.delete(token)) throw invalidArg('ter:NoToken', `The preset token ${token} does not exist`);
        return '<tptz:RemovePresetResponse/>';
      }
      case 'ptz/ContinuousMove': {
        checkProfile(xml);
        const v = vector(xml, 'Velocity');
        const timeoutRaw = textOf(xml, 'Timeout');
        const timeout = timeoutRaw === null ? 5000 : parseDuration(timeoutRaw);
        if (timeout === null) throw invalidArg('ter:InvalidTimeout', `Timeout ${timeoutRaw} is not an xs:duration`);
        stopMove();
        move = { vx: clamp(v.vx, -1, 1), vy: clamp(v.vy, -1, 1), vz: clamp(v.vz, -1, 1), since: Date.now(), timer: null };
        move.timer = setTimeout(stopMove, Math.min(timeout, 60_000));
        return '<tptz:ContinuousMoveResponse/>';
      }
      case 'ptz/AbsoluteMove': {
        checkProfile(xml);
        const p = vector(xml, 'Position');
        stopMove();
        pos = { x: clamp(p.vx, -1, 1), y: clamp(p.vy, -1, 1), zoom: clamp(p.vz, 0, 1) };
        return '<tptz:AbsoluteMoveResponse/>';
      }
      case 'ptz/Stop':
        checkProfile(xml);
        stopMove();
        return '<tptz:StopResponse/>';
      case 'ptz/GetStatus':
        checkProfile(xml);
        return `<tptz:GetStatusResponse>${ptzStatus()}</tptz:GetStatusResponse>`;
      case 'events/GetServiceCapabilities':
        return '<tev:GetServiceCapabilitiesResponse><tev:Capabilities WSSubscriptionPolicySupport="false" WSPullPointSupport="true" WSPausableSubscriptionManagerInterfaceSupport="false" MaxNotificationProducers="1" MaxPullPoints="4"/></tev:GetServiceCapabilitiesResponse>';
      case 'events/CreatePullPointSubscription': {
        if (subs.size >= 4) throw new Fault(500, 'Receiver', ['ter:Action', 'ter:MaxPullPoints'], 'Too many pull points');
        const ttl = parseDuration(textOf(xml, 'InitialTerminationTime')) ?? 60_000;
        const id = String(nextSub++);
        subs.set(id, { id, expires: now() + ttl, queue: [], waiting: null });
        return (
          `<tev:CreatePullPointSubscriptionResponse><tev:SubscriptionReference><wsa:Address>${base()}/onvif/subscription/${id}</wsa:Address>` +
          `</tev:SubscriptionReference><wsnt:CurrentTime>${new Date(now()).toISOString()}</wsnt:CurrentTime>` +
          `<wsnt:TerminationTime>${new Date(now() + ttl).toISOString()}</wsnt:TerminationTime></tev:CreatePullPointSubscriptionResponse>`
        );
      }
      default:
        break;
    }
    if (service.startsWith('subscription/')) {
      const sub = subs.get(service.slice('subscription/'.length));
      if (!sub || sub.expires < now()) {
        if (sub) subs.delete(sub.id);
        throw new Fault(400, 'Sender', ['wsrf-rw:ResourceUnknownFault'], 'The subscription does not exist or has expired');
      }
      if (action === 'PullMessages') {
        const wait = Math.min(parseDuration(textOf(xml, 'Timeout')) ?? 10_000, o.maxPullWaitMs);
        const limit = Math.max(1, Number(textOf(xml, 'MessageLimit') ?? 10) || 10);
        if (sub.queue.length === 0 && wait > 0) {
          await new Promise<void>((resolve) => {
            sub.waiting = { resolve, timer: setTimeout(resolve, wait) };
          });
          if (sub.waiting) clearTimeout(sub.waiting.timer);
          sub.waiting = null;
        }
        const msgs = sub.queue.splice(0, limit);
        return (
          `<tev:PullMessagesResponse><tev:CurrentTime>${new Date(now()).toISOString()}</tev:CurrentTime>` +
          `<tev:TerminationTime>${new Date(sub.expires).toISOString()}</tev:TerminationTime>${msgs.join('')}</tev:PullMessagesResponse>`
        );
      }
      if (action === 'Renew') {
        sub.expires = now() + (parseDuration(textOf(xml, 'TerminationTime')) ?? 60_000);
        return (
          `<wsnt:RenewResponse><wsnt:TerminationTime>${new Date(sub.expires).toISOString()}</wsnt:TerminationTime>` +
          `<wsnt:CurrentTime>${new Date(now()).toISOString()}</wsnt:CurrentTime></wsnt:RenewResponse>`
        );
      }
      if (action === 'Unsubscribe') {
        subs.delete(sub.id);
        sub.waiting?.resolve();
        return '<wsnt:UnsubscribeResponse/>';
      }
    }
    throw notSupported(action);
  };

  const soap = async (req: IncomingMessage, res: ServerResponse, service: string) => {
    const send = (status: number, xml: string) => {
      // The camera's web server dates its answers with the camera's own clock.
      res.writeHead(status, { 'content-type': 'application/soap+xml; charset=utf-8', date: new Date(now()).toUTCString() });
      res.end(xml);
    };
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > MAX_BODY) return send(413, new Fault(400, 'Sender', ['ter:InvalidArgs'], 'Request too large').xml());
      chunks.push(c as Buffer);
    }
    const xml = Buffer.concat(chunks).toString('utf8');
    // The action: the first element in the Body (the action parameter of the content type is optional in SOAP 1.2).
    const body = /<(?:[\w-]+:)?Body(?:\s[^>]*)?>\s*<(?:([\w-]+):)?([A-Za-z]+)[\s/>]/.exec(xml);
    if (!/<(?:[\w-]+:)?Envelope[\s>]/.test(xml) || !body || !/<\/(?:[\w-]+:)?Envelope>\s*$/.test(xml)) {
      requests.push('(malformed)');
      return send(400, new Fault(400, 'Sender', ['ter:WellFormed'], 'The request is not a well-formed SOAP envelope').xml());
    }
    const action = body[2];
    requests.push(action);
    try {
      const anonymous = action === 'GetSystemDateAndTime' && !o.timeNeedsAuth;
      if (!anonymous) authenticate(xml);
      send(200, envelope(await handle(service, action, xml)));
    } catch (err) {
      if (err instanceof Fault) return send(err.status, err.xml());
      send(500, new Fault(500, 'Receiver', ['ter:Action'], (err as Error).message).xml());
    }
  };

  /** HTTP Digest (RFC 7616, MD5, qop=auth), as cameras protect their snapshot URI. */
  const snapshot = (req: IncomingMessage, res: ServerResponse) => {
    const realm = 'Butler Demo Camera';
    const challenge = () => {
      const nonce = randomBytes(16).toString('hex');
      digestNonces.add(nonce);
      res.writeHead(401, { 'www-authenticate': `Digest realm="${realm}", qop="auth", nonce="${nonce}", algorithm=MD5` });
      res.end();
    };
    const h = req.headers.authorization;
    if (!h?.startsWith('Digest ')) return challenge();
    const f: Record<string, string> = {};
    for (const m of h.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) f[m[1]] = m[2] ?? m[3];
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    const ha1 = md5(`${o.username}:${realm}:${o.password}`);
    const ha2 = md5(`${req.method}:${f.uri}`);
    const expected = md5(`${ha1}:${f.nonce}:${f.nc}:${f.cnonce}:auth:${ha2}`);
    if (f.username !== o.username || !digestNonces.has(f.nonce) || f.response !== expected) return challenge();
    requests.push('snapshot');
    const image = o.snapshot === 'oversized' ? oversized() : o.snapshot === 'not-jpeg' ? png : jpeg;
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': image.length });
    res.end(image);
  };

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/onvif/snapshot.jpg') return snapshot(req, res);
    const m = /^\/onvif\/(device_service|media_service|ptz_service|events_service|subscription\/\d+)$/.exec(path);
    if (req.method !== 'POST' || !m || (o.noPtz && m[1] === 'ptz_service')) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return res.end('not found');
    }
    const service = m[1].replace(/_service$/, '');
    soap(req, res, service).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  const message = (isMotion: boolean) =>
    `<wsnt:NotificationMessage><wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">tns1:RuleEngine/CellMotionDetector/Motion</wsnt:Topic>` +
    `<wsnt:Message><tt:Message UtcTime="${new Date(now()).toISOString()}" PropertyOperation="Changed"><tt:Source>` +
    `<tt:SimpleItem Name="VideoSourceConfigurationToken" Value="vsc_0"/><tt:SimpleItem Name="VideoAnalyticsConfigurationToken" Value="vac_0"/>` +
    `<tt:SimpleItem Name="Rule" Value="MyMotionDetectorRule"/></tt:Source><tt:Data><tt:SimpleItem Name="IsMotion" Value="${isMotion}"/></tt:Data>` +
    `</tt:Message></wsnt:Message></wsnt:NotificationMessage>`;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    position,
    moving: () => move !== null,
    presets: () => [...presets.values()].map((p) => ({ token: p.token, name: p.name })),
    motion(isMotion) {
      for (const sub of subs.values()) {
        if (sub.expires < now()) continue;
        sub.queue.push(message(isMotion));
        sub.waiting?.resolve();
      }
    },
    requests,
    authFailures,
    subscriptions: () => [...subs.values()].filter((s) => s.expires >= now()).length,
    set(next) {
      Object.assign(o, next);
    },
    async stop() {
      stopMove();
      for (const sub of subs.values()) sub.waiting?.resolve();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

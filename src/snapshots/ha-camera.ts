// Home Assistant cameras as a snapshot source: GET <Home Assistant>/api/camera_proxy/<entity_id> with the token (in the
// add-on: http://supervisor/core/api/… with the Supervisor token) → the picture, kept in the snapshot store like any
// other. The answer is capped while it is read, and the store refuses anything that is not a JPEG.
import type { ActionRegistry } from '../actions/registry';
import { InvalidError, NotFoundError, UnavailableError } from '../errors';
import { fetchFailure, readCapped } from '../util/http';
import { type SnapshotStore, snapshotUrl } from './store';

export interface HaCameraDeps {
  registry: ActionRegistry;
  store: SnapshotStore;
  /** Home Assistant's WebSocket URL (ws://host:8123/api/websocket, ws://supervisor/core/websocket). */
  websocketUrl: string;
  token: string;
  /** The camera entities Home Assistant has now (for errors that list them). */
  cameras: () => string[];
  timeoutMs?: number;
}

/** The REST base for a Home Assistant WebSocket URL: ws://h:8123/api/websocket → http://h:8123. */
export function restBase(websocketUrl: string): string {
  return websocketUrl.replace(/^ws/, 'http').replace(/\/(api\/)?websocket$/, '');
}

export function registerHaCameraSnapshot(d: HaCameraDeps): void {
  const base = restBase(d.websocketUrl);
  d.registry.register({
    name: 'ha_camera_snapshot',
    provider: 'ha',
    privacy: true,
    risk: 'safe',
    description: 'Keep a picture from a Home Assistant camera entity (camera_proxy); answers a snapshot_id.',
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['entity_id'],
      properties: { entity_id: { type: 'string', pattern: '^camera\\.[a-z0-9_]{1,64}$' } },
    },
    handler: async (p, ctx) => {
      const id = p.entity_id as string;
      const known = () => {
        const list = d.cameras();
        return list.length ? `known cameras: ${list.join(', ')}` : 'Home Assistant has no camera entities';
      };
      const url = `${base}/api/camera_proxy/${encodeURIComponent(id)}`;
      let res: Response;
      try {
        res = await fetch(url, {
          headers: { authorization: `Bearer ${d.token}` },
          signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(d.timeoutMs ?? 10_000)]),
        });
      } catch (err) {
        throw new UnavailableError(`Home Assistant camera_proxy: ${fetchFailure(err, url)}`);
      }
      if (!res.ok) await res.body?.cancel();
      if (res.status === 404) throw new NotFoundError(`Home Assistant has no camera ${id}; ${known()}`);
      if (res.status === 401) throw new UnavailableError('Home Assistant refused the access token for camera_proxy');
      if (res.status === 503) throw new UnavailableError(`camera ${id} is off or unavailable in Home Assistant`);
      if (!res.ok) throw new UnavailableError(`Home Assistant answered ${res.status} for camera ${id}`);
      const image = await readCapped(res, {
        max: d.store.maxBytes,
        url,
        what: `snapshot from ${id} refused`,
        error: (m) => new InvalidError(m),
      });
      const meta = await d.store.save(image, { source: 'ha', camera: id });
      return {
        snapshot_id: meta.id,
        camera: id,
        bytes: meta.bytes,
        width: meta.width,
        height: meta.height,
        url: snapshotUrl(meta.id),
      };
    },
  });
}

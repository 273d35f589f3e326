// The one snapshot store: camera pictures as JPEG files in the data dir, referenced by id from events and action
// results (never blobs in SQLite rows), kept for a number of days and capped in count. A picture is checked before
// it is kept: at most `maxBytes`, and really a JPEG (sharp reads its header), whatever the sender's content type said.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Metadata } from 'sharp';
import { sharp } from './sharp';
import { InvalidError, NotFoundError } from '../errors';

export const SNAPSHOT_ID = /^snap_[0-9]{13}_[0-9a-f]{8}$/;

/**
 * The link to a kept picture (served by GET /api/snapshots/{id}, part.ts): relative, so it works under the ingress
 * prefix too. Action results, notifications and events all name a picture by this.
 */
export function snapshotUrl(id: string): string {
  return `api/snapshots/${id}`;
}

export interface SnapshotMeta {
  id: string;
  /** Where it came from: "onvif", "frigate", "ha". */
  source: string;
  camera: string;
  ts: number;
  bytes: number;
  width: number;
  height: number;
}

export interface SnapshotStoreOptions {
  dir: string;
  maxBytes?: number;
  retentionDays?: number;
  maxCount?: number;
}

export class SnapshotTooLarge extends InvalidError {}

export class SnapshotStore {
  readonly dir: string;
  readonly maxBytes: number;
  private readonly retentionMs: number;
  private readonly maxCount: number;
  saved = 0;
  refused = 0;
  private lastTs = 0;
  /** Pictures on disk: read from the folder once here, then kept by save and prune (a health check scans nothing). */
  private kept: number;
  private readonly listeners: ((meta: SnapshotMeta, image: Buffer) => void)[] = [];

  constructor(opts: SnapshotStoreOptions) {
    this.dir = opts.dir;
    this.maxBytes = opts.maxBytes ?? 8 * 1024 * 1024;
    this.retentionMs = (opts.retentionDays ?? 7) * 86_400_000;
    this.maxCount = opts.maxCount ?? 2000;
    mkdirSync(this.dir, { recursive: true });
    this.kept = this.ids().length;
  }

  /** Checks and keeps one picture; answers its metadata (with the id). Throws InvalidError saying what was wrong. */
  async save(image: Buffer, from: { source: string; camera: string }): Promise<SnapshotMeta> {
    if (image.length > this.maxBytes) {
      this.refused++;
      throw new SnapshotTooLarge(`snapshot from ${from.camera} refused: ${image.length} bytes is over the ${this.maxBytes}-byte limit`);
    }
    let meta: Metadata;
    try {
      meta = await sharp()(image, { limitInputPixels: 50_000_000 }).metadata();
    } catch {
      meta = { format: undefined } as unknown as Metadata;
    }
    if (meta.format !== 'jpeg' || image[0] !== 0xff || image[1] !== 0xd8) {
      this.refused++;
      throw new InvalidError(
        `snapshot from ${from.camera} refused: not a JPEG (${meta.format ? `it is ${meta.format}` : 'unreadable image data'})`,
      );
    }
    // Ids sort in the order pictures were kept (pruning drops the first ones): two in the same millisecond get the next.
    const ts = Math.max(Date.now(), this.lastTs + 1);
    this.lastTs = ts;
    const id = `snap_${ts}_${randomBytes(4).toString('hex')}`;
    const info: SnapshotMeta = {
      id,
      source: from.source,
      camera: from.camera,
      ts,
      bytes: image.length,
      width: meta.width ?? 0,
      height: meta.height ?? 0,
    };
    // Written under a temporary name and renamed, so a reader never sees half a picture.
    const tmp = join(this.dir, `${id}.jpg.tmp`);
    writeFileSync(tmp, image);
    renameSync(tmp, join(this.dir, `${id}.jpg`));
    this.kept++;
    writeFileSync(join(this.dir, `${id}.json`), JSON.stringify(info));
    this.saved++;
    if (this.saved % 50 === 0) this.prune();
    for (const fn of this.listeners) {
      try {
        fn(info, image);
      } catch {
        /* a listener's failure is its own; the picture is kept */
      }
    }
    return info;
  }

  /** Called with every picture kept (e.g. to show the latest one on the discovery camera entity). */
  onSaved(fn: (meta: SnapshotMeta, image: Buffer) => void): void {
    this.listeners.push(fn);
  }

  /** The metadata of a kept picture; NotFoundError for unknown or malformed ids. */
  meta(id: string): SnapshotMeta {
    if (!SNAPSHOT_ID.test(id)) throw new InvalidError(`snapshot id "${String(id).slice(0, 64)}" is not a snapshot id (snap_<ms>_<hex8>)`);
    try {
      return JSON.parse(readFileSync(join(this.dir, `${id}.json`), 'utf8')) as SnapshotMeta;
    } catch {
      throw new NotFoundError(`no snapshot ${id} (it may be older than the retention period)`);
    }
  }

  /** The JPEG bytes of a kept picture. */
  read(id: string): { meta: SnapshotMeta; image: Buffer } {
    const meta = this.meta(id);
    try {
      return { meta, image: readFileSync(join(this.dir, `${id}.jpg`)) };
    } catch {
      throw new NotFoundError(`no snapshot ${id} (it may be older than the retention period)`);
    }
  }

  /** Newest first. */
  list(opts: { camera?: string; limit?: number } = {}): SnapshotMeta[] {
    const ids = this.ids().reverse();
    const out: SnapshotMeta[] = [];
    for (const id of ids) {
      if (out.length >= (opts.limit ?? 50)) break;
      try {
        const m = this.meta(id);
        if (!opts.camera || m.camera === opts.camera) out.push(m);
      } catch {
        /* removed meanwhile */
      }
    }
    return out;
  }

  /** Latest picture of a camera, if any. */
  latest(camera: string): SnapshotMeta | null {
    return this.list({ camera, limit: 1 })[0] ?? null;
  }

  /** Drops pictures older than the retention period and the oldest beyond the count cap; answers how many went. */
  prune(now = Date.now()): number {
    const ids = this.ids();
    let removed = 0;
    ids.forEach((id, i) => {
      const ts = Number(id.slice(5, 18));
      if (now - ts > this.retentionMs || ids.length - i > this.maxCount) {
        for (const ext of ['.jpg', '.json']) {
          try {
            unlinkSync(join(this.dir, id + ext));
          } catch {
            /* already gone */
          }
        }
        removed++;
      }
    });
    // Prune has the folder's listing anyway: the count is set from it, so it never drifts from what is on disk.
    this.kept = ids.length - removed;
    return removed;
  }

  /** How many pictures are kept, without reading the folder. */
  count(): number {
    return this.kept;
  }

  /** Ids oldest first (the id starts with its time in ms, fixed width). */
  private ids(): string[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.jpg'))
      .map((f) => f.slice(0, -4))
      .filter((id) => SNAPSHOT_ID.test(id))
      .sort();
  }
}

// The snapshot store as a part: it serves GET /api/snapshots/{id} (the picture) and GET /api/snapshots (the newest
// pictures' metadata) through the HTTP host, behind the API's authentication, and prunes old pictures hourly.
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ComponentHealth, MetricFamily, Part } from '../parts/part';
import type { Logger } from '../log';
import { SnapshotStore } from './store';

export interface SnapshotsHost {
  /** The HTTP host's Fastify app (routes registered before it listens). */
  app: FastifyInstance;
  log: Logger;
}

export class SnapshotsPart implements Part<SnapshotsHost> {
  readonly name = 'snapshots';
  readonly store: SnapshotStore;
  private timer: NodeJS.Timeout | null = null;

  constructor(opts: { dataDir: string; retentionDays: number; maxBytes?: number }) {
    this.store = new SnapshotStore({ dir: join(opts.dataDir, 'snapshots'), retentionDays: opts.retentionDays, maxBytes: opts.maxBytes });
  }

  start(host: SnapshotsHost): void {
    registerSnapshotRoutes(host.app, this.store);
    const removed = this.store.prune();
    if (removed) host.log.info({ removed }, 'old snapshots removed');
    this.timer = setInterval(() => this.store.prune(), 3_600_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  health(): ComponentHealth {
    return { ok: true, detail: `${this.store.count()} snapshots kept` };
  }

  metrics(): MetricFamily[] {
    return [
      ['butler_snapshots_saved_total', { type: 'counter', help: 'Snapshots kept since start', samples: [[null, this.store.saved]] }],
      [
        'butler_snapshots_refused_total',
        { type: 'counter', help: 'Snapshots refused (too large, not a JPEG)', samples: [[null, this.store.refused]] },
      ],
    ];
  }
}

export function registerSnapshotRoutes(app: FastifyInstance, store: SnapshotStore): void {
  app.get(
    '/api/snapshots',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { camera: { type: 'string', maxLength: 64 }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
        },
      },
    },
    async (req) => {
      const q = req.query as { camera?: string; limit: number };
      const snapshots = store.list(q);
      return { count: snapshots.length, snapshots };
    },
  );
  app.get('/api/snapshots/:id', async (req, reply) => {
    const { id } = req.params as { id: string };
    const { image } = store.read(id.replace(/\.jpg$/, ''));
    return reply.header('content-type', 'image/jpeg').header('cache-control', 'private, max-age=86400').send(image);
  });
}

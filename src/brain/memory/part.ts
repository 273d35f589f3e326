// The memory part (health component "memory"): what the butler remembers (FTS5, optional embeddings) and its actions.
import type { ActionRegistry } from '../../actions/registry';
import type { ComponentHealth, Part } from '../../parts/part';
import type { Logger } from '../../log';
import type { OpenedDb } from '../../store/db';
import { registerMemoryActions } from './actions';
import type { EmbeddingsConfig } from './embeddings';
import { MemoryStore } from './store';

export interface MemoryHost {
  db: OpenedDb;
  registry: ActionRegistry;
  log: Logger;
}

export class MemoryPart implements Part<MemoryHost> {
  readonly name = 'memory';
  private current: MemoryStore | null = null;

  constructor(private readonly embeddings: EmbeddingsConfig | null) {}

  /** Null when the part failed to start. */
  get store(): MemoryStore | null {
    return this.current;
  }

  start(host: MemoryHost): void {
    this.current = new MemoryStore(host.db, { log: host.log, embeddings: this.embeddings });
    registerMemoryActions({ registry: host.registry, memory: this.current });
  }

  stop(): void {}

  health(): ComponentHealth {
    const m = this.current?.status();
    return m ? { ok: m.embeddings !== 'down', detail: m.detail } : { ok: false, detail: 'not started' };
  }
}

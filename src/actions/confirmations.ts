// Sensitive actions wait here for a trusted person's approval. Persisted, so a restart loses none; they expire.
import { randomUUID } from 'node:crypto';
import type { OpenedDb } from '../store/db';
import type { Confirmation, ConfirmationStatus, JsonObject, Origin } from '../types';

interface Row {
  id: string;
  plan_id: string;
  idx: number;
  action_type: string;
  params: string;
  origin: string;
  reason: string;
  status: string;
  created_ts: number;
  expires_ts: number;
  decided_by: string | null;
  decided_ts: number | null;
}

function fromRow(r: Row): Confirmation {
  return {
    id: r.id,
    plan_id: r.plan_id,
    index: r.idx,
    action_type: r.action_type,
    params: JSON.parse(r.params) as JsonObject,
    origin: JSON.parse(r.origin) as Origin,
    reason: r.reason,
    status: r.status as ConfirmationStatus,
    created_ts: r.created_ts,
    expires_ts: r.expires_ts,
    decided_by: r.decided_by,
    decided_ts: r.decided_ts,
  };
}

export class ConfirmationStore {
  constructor(private readonly store: OpenedDb) {}

  create(c: Omit<Confirmation, 'id' | 'status' | 'created_ts' | 'decided_by' | 'decided_ts'>, now = Date.now() / 1000): Confirmation {
    const conf: Confirmation = { ...c, id: randomUUID(), status: 'pending', created_ts: now, decided_by: null, decided_ts: null };
    this.store.sqlite
      .prepare(
        'INSERT INTO confirmations (id, plan_id, idx, action_type, params, origin, reason, status, created_ts, expires_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        conf.id,
        conf.plan_id,
        conf.index,
        conf.action_type,
        JSON.stringify(conf.params),
        JSON.stringify(conf.origin),
        conf.reason,
        conf.status,
        conf.created_ts,
        conf.expires_ts,
      );
    return conf;
  }

  get(id: string): Confirmation | null {
    const row = this.store.sqlite.prepare('SELECT * FROM confirmations WHERE id = ?').get(id) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  list(status?: ConfirmationStatus, limit = 100): Confirmation[] {
    const rows = status
      ? (this.store.sqlite
          .prepare('SELECT * FROM confirmations WHERE status = ? ORDER BY created_ts DESC LIMIT ?')
          .all(status, limit) as Row[])
      : (this.store.sqlite.prepare('SELECT * FROM confirmations ORDER BY created_ts DESC LIMIT ?').all(limit) as Row[]);
    return rows.map(fromRow);
  }

  /** The newest pending confirmation of a conversation ("yes" in Assist approves it). */
  pendingForConversation(conversationId: string): Confirmation | null {
    return this.list('pending', 50).find((c) => c.origin.conversation_id === conversationId) ?? null;
  }

  /** Moves a pending confirmation to its decision; returns null when it was not pending any more. */
  decide(id: string, status: 'approved' | 'denied' | 'expired', by: string | null, now = Date.now() / 1000): Confirmation | null {
    const changed = this.store.sqlite
      .prepare("UPDATE confirmations SET status = ?, decided_by = ?, decided_ts = ? WHERE id = ? AND status = 'pending'")
      .run(status, by, now, id).changes;
    return changed ? this.get(id) : null;
  }

  /** Marks every pending confirmation past its time as expired; returns them. */
  expireDue(now = Date.now() / 1000): Confirmation[] {
    const due = this.store.sqlite.prepare("SELECT * FROM confirmations WHERE status = 'pending' AND expires_ts <= ?").all(now) as Row[];
    return due.map((r) => this.decide(r.id, 'expired', null, now)).filter((c): c is Confirmation => c !== null);
  }

  countPending(): number {
    return (this.store.sqlite.prepare("SELECT count(*) AS n FROM confirmations WHERE status = 'pending'").get() as { n: number }).n;
  }
}

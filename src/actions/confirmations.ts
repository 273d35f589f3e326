// Sensitive actions wait here for a trusted person's approval. Persisted, so a restart loses none; they expire.
import { randomUUID } from 'node:crypto';
import { and, count, desc, eq, lte } from 'drizzle-orm';
import type { OpenedDb } from '../store/db';
import { confirmations } from '../store/schema/core';
import type { Confirmation, ConfirmationStatus, JsonObject, Origin } from '../types';

type Row = typeof confirmations.$inferSelect;

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

const isPending = () => eq(confirmations.status, 'pending');

export class ConfirmationStore {
  constructor(private readonly store: OpenedDb) {}

  create(c: Omit<Confirmation, 'id' | 'status' | 'created_ts' | 'decided_by' | 'decided_ts'>, now = Date.now() / 1000): Confirmation {
    const conf: Confirmation = { ...c, id: randomUUID(), status: 'pending', created_ts: now, decided_by: null, decided_ts: null };
    this.store.db
      .insert(confirmations)
      .values({
        id: conf.id,
        plan_id: conf.plan_id,
        idx: conf.index,
        action_type: conf.action_type,
        params: JSON.stringify(conf.params),
        origin: JSON.stringify(conf.origin),
        reason: conf.reason,
        status: conf.status,
        created_ts: conf.created_ts,
        expires_ts: conf.expires_ts,
      })
      .run();
    return conf;
  }

  get(id: string): Confirmation | null {
    const row = this.store.db.select().from(confirmations).where(eq(confirmations.id, id)).get();
    return row ? fromRow(row) : null;
  }

  list(status?: ConfirmationStatus, limit = 100): Confirmation[] {
    return this.store.db
      .select()
      .from(confirmations)
      .where(status ? eq(confirmations.status, status) : undefined)
      .orderBy(desc(confirmations.created_ts))
      .limit(limit)
      .all()
      .map(fromRow);
  }

  /** The newest pending confirmation of a conversation ("yes" in Assist approves it). */
  pendingForConversation(conversationId: string): Confirmation | null {
    return this.list('pending', 50).find((c) => c.origin.conversation_id === conversationId) ?? null;
  }

  /** Moves a pending confirmation to its decision; returns null when it was not pending any more. */
  decide(id: string, status: 'approved' | 'denied' | 'expired', by: string | null, now = Date.now() / 1000): Confirmation | null {
    const changed = this.store.db
      .update(confirmations)
      .set({ status, decided_by: by, decided_ts: now })
      .where(and(eq(confirmations.id, id), isPending()))
      .run().changes;
    return changed ? this.get(id) : null;
  }

  /** Marks every pending confirmation past its time as expired; returns them. */
  expireDue(now = Date.now() / 1000): Confirmation[] {
    const due = this.store.db
      .select({ id: confirmations.id })
      .from(confirmations)
      .where(and(isPending(), lte(confirmations.expires_ts, now)))
      .all();
    return due.map((r) => this.decide(r.id, 'expired', null, now)).filter((c): c is Confirmation => c !== null);
  }

  countPending(): number {
    return this.store.db.select({ n: count() }).from(confirmations).where(isPending()).get()!.n;
  }
}

// A conversation enters the flows through butler-command-in and its answer leaves through butler-reply.
// CommandService asks here first (offer); when no flow listens, or none answers in time, the built-in pipeline answers.
import { randomUUID } from 'node:crypto';
import type { ActionResult, Origin } from '../types';

export interface FlowConversationRequest {
  /** Correlates the reply with this offer (travels as msg._butler_conversation). */
  id: string;
  text: string;
  conversation_id: string;
  language: string;
  origin: Origin;
  event_id: string | null;
}

export interface FlowReply {
  reply: string;
  plan_id?: string | null;
  results?: ActionResult[];
  /** False when the flow's answer is "not understood" (Assist then says so its own way). Default true. */
  handled?: boolean;
}

export type ConversationListener = (req: FlowConversationRequest) => void;

interface Pending {
  resolve: (reply: FlowReply | null) => void;
  declines: number;
  timer: NodeJS.Timeout;
}

export class FlowConversations {
  private readonly listeners = new Set<ConversationListener>();
  private readonly pending = new Map<string, Pending>();
  private readonly counters = { offered: 0, answered: 0, timed_out: 0, declined: 0 };

  /** A butler-command-in node starts listening; returns its unsubscribe. */
  listen(fn: ConversationListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get listening(): number {
    return this.listeners.size;
  }

  /**
   * Offers a conversation to the flows. Resolves with the first reply, or null at once when no flow listens,
   * when every listener declined, or when `timeoutMs` passes.
   */
  offer(req: Omit<FlowConversationRequest, 'id'> & { id?: string }, timeoutMs: number): Promise<FlowReply | null> {
    if (this.listeners.size === 0) return Promise.resolve(null);
    const full: FlowConversationRequest = { ...req, id: req.id ?? randomUUID() };
    this.counters.offered++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (this.pending.delete(full.id)) {
          this.counters.timed_out++;
          resolve(null);
        }
      }, timeoutMs);
      this.pending.set(full.id, { resolve, declines: 0, timer });
      for (const fn of [...this.listeners]) {
        try {
          fn(full);
        } catch {
          this.decline(full.id);
        }
      }
    });
  }

  /** The flow's answer (butler-reply). False when the conversation already ended (answered or timed out). */
  reply(id: string, reply: FlowReply): boolean {
    const p = this.pending.get(id);
    if (!p) return false;
    this.pending.delete(id);
    clearTimeout(p.timer);
    this.counters.answered++;
    p.resolve(reply);
    return true;
  }

  /** A listener says "not mine"; when all did, the built-in pipeline answers without waiting for the timeout. */
  decline(id: string): void {
    const p = this.pending.get(id);
    if (!p) return;
    p.declines++;
    if (p.declines >= this.listeners.size) {
      this.pending.delete(id);
      clearTimeout(p.timer);
      this.counters.declined++;
      p.resolve(null);
    }
  }

  isPending(id: string): boolean {
    return this.pending.has(id);
  }

  stats(): { offered: number; answered: number; timed_out: number; declined: number; pending: number; listening: number } {
    return { ...this.counters, pending: this.pending.size, listening: this.listeners.size };
  }

  /** Ends every pending conversation (null: the built-in pipeline answers). */
  close(): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.resolve(null);
    }
    this.listeners.clear();
  }
}

// The conversation pipeline: a turn is recorded as a `command.text` event, its language is decided once, and the
// stages answer in the one order declared here. The first stage that answers wins; a stage that fails is logged and
// skipped, so a broken flow or an unreachable model never leaves a person without an answer.
import { randomUUID } from 'node:crypto';
import { languageOf } from '../brain/intents';
import type { EventIngest } from '../bus/ingest';
import type { Logger } from '../log';
import type { Origin } from '../types';
import { notUnderstood } from './replies';
import type { AnsweredBy, Stage, StageTurn, Turn, TurnReply } from './turn';

/** The order in which stages are asked: a pending confirmation first, then the flows, then offline, then the model. */
export const STAGE_ORDER = ['confirmation', 'flows', 'offline', 'planner'] as const;
export type StageName = (typeof STAGE_ORDER)[number];

export interface PipelineHost {
  ingest: Pick<EventIngest, 'emit'>;
  log: Logger;
  /** The language of a turn whose text does not show its own (option `language`). */
  defaultLanguage?: string;
  /** What the butler can do here, in a language, with examples from the live home: said when nothing understood. */
  capabilities?: (language: string) => string;
}

const LETTERS = /[\p{L}]/u;

/** What the usage statistics see: each stage run with its time, and who answered each turn. */
export type PipelineObservation =
  | { kind: 'stage'; stage: StageName; ms: number; answered: boolean }
  | { kind: 'turn'; answered_by: AnsweredBy };

export class ConversationPipeline {
  private readonly stages = new Map<StageName, Stage>();
  private readonly observers = new Set<(o: PipelineObservation) => void>();

  constructor(private readonly host: PipelineHost) {}

  /** Fills a stage's place in the order (the flows add theirs when Node-RED is up); null empties it. */
  setStage(name: StageName, stage: Stage | null): void {
    if (stage) this.stages.set(name, stage);
    else this.stages.delete(name);
  }

  hasStage(name: StageName): boolean {
    return this.stages.has(name);
  }

  /** Calls `fn` after each stage run and each answered turn; returns the way to stop. */
  observe(fn: (o: PipelineObservation) => void): () => void {
    this.observers.add(fn);
    return () => this.observers.delete(fn);
  }

  private notify(o: PipelineObservation): void {
    for (const fn of this.observers) {
      try {
        fn(o);
      } catch (err) {
        this.host.log.warn({ err }, 'a conversation observer failed');
      }
    }
  }

  /** A sentence from a person: recorded, then each stage in the declared order, then "not understood". */
  async converse(turn: Turn): Promise<TurnReply> {
    const st = this.open(turn);
    for (const name of STAGE_ORDER) {
      const reply = await this.runStage(name, st);
      if (reply) {
        this.notify({ kind: 'turn', answered_by: reply.answered_by });
        return reply;
      }
    }
    const reply = this.notUnderstood(st);
    this.notify({ kind: 'turn', answered_by: reply.answered_by });
    return reply;
  }

  /** The answer when no stage understood: sorry, and what the butler can do in this home. */
  notUnderstood(turn: Pick<StageTurn, 'conversation_id' | 'language'>): TurnReply {
    return notUnderstood(turn, this.capabilities(turn.language));
  }

  private capabilities(language: string): string | undefined {
    try {
      return this.host.capabilities?.(language);
    } catch (err) {
      this.host.log.warn({ err }, 'could not list what the butler can do');
      return undefined;
    }
  }

  /** Settles the conversation, language and command event of a turn. */
  open(turn: Turn): StageTurn {
    const conversation_id = turn.conversation_id || randomUUID();
    // Decided once, here: every stage and every reply uses it.
    const language =
      turn.language || LETTERS.test(turn.text) ? languageOf(turn.language, turn.text) : languageOf(this.host.defaultLanguage, turn.text);
    const origin: Origin = { ...turn.origin, conversation_id };
    const event = this.host.ingest.emit(
      'command.text',
      origin.source,
      { text: turn.text, conversation_id, language, user: origin.user ?? null },
      0,
      turn.correlation_id ?? null,
      turn.event_id,
    );
    return { ...turn, origin, conversation_id, language, event_id: event.event_id };
  }

  /** One stage on its own (the flow's conversation nodes call the same stages the built-in path does). */
  async runStage(name: StageName, turn: StageTurn): Promise<TurnReply | null> {
    const stage = this.stages.get(name);
    if (!stage) return null;
    const t0 = performance.now();
    let reply: TurnReply | null = null;
    try {
      reply = await stage(turn);
      return reply;
    } catch (err) {
      this.host.log.error({ err, stage: name }, 'conversation stage failed');
      return null;
    } finally {
      if (this.observers.size) this.notify({ kind: 'stage', stage: name, ms: performance.now() - t0, answered: reply !== null });
    }
  }
}

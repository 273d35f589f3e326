// The flows part (health component "flows"): Node-RED and its palette, and the flows' place in the conversation
// pipeline (a conversation is offered to flows that listen with butler-command-in before the built-in stages).
import type { ConversationPipeline } from '../conversation/pipeline';
import type { ComponentHealth, MetricFamily, Part } from '../parts/part';
import type { AuthOptions } from '../server/auth';
import type { HttpHost } from '../server/http';
import { type FlowsHost, type FlowsOptions, FlowsRuntime } from './runtime';

export interface FlowsPartHost extends FlowsHost {
  pipeline: Pick<ConversationPipeline, 'setStage'>;
}

export interface FlowsPartOptions extends FlowsOptions {
  /** How long a conversation offered to the flows waits for butler-reply before the built-in stages answer. */
  conversationTimeoutMs?: number;
}

export class FlowsPart implements Part<FlowsPartHost> {
  readonly name = 'flows';
  readonly runtime: FlowsRuntime;
  private pipeline: FlowsPartHost['pipeline'] | null = null;

  constructor(
    http: Pick<HttpHost, 'mount' | 'onUpgrade'>,
    auth: AuthOptions,
    private readonly opts: FlowsPartOptions = {},
  ) {
    // Mounted at once: while the butler starts, the editor's page says the flows are starting.
    this.runtime = new FlowsRuntime(http, auth, opts);
  }

  async start(host: FlowsPartHost): Promise<void> {
    await this.runtime.start(host);
    const runtime = this.runtime;
    const timeoutMs = this.opts.conversationTimeoutMs ?? 10_000;
    this.pipeline = host.pipeline;
    host.pipeline.setStage('flows', async (turn) => {
      if (runtime.closed) return null;
      const reply = await runtime.conversations.offer(
        { text: turn.text, conversation_id: turn.conversation_id, language: turn.language, origin: turn.origin, event_id: turn.event_id },
        timeoutMs,
      );
      if (!reply) return null;
      return {
        reply: reply.reply,
        conversation_id: turn.conversation_id,
        handled: reply.handled ?? true,
        plan_id: reply.plan_id ?? null,
        results: reply.results ?? [],
        language: turn.language,
        answered_by: 'flow',
      };
    });
  }

  async stop(): Promise<void> {
    this.pipeline?.setStage('flows', null);
    await this.runtime.stop();
  }

  health(): ComponentHealth {
    const s = this.runtime.status();
    return { ok: s.ok, detail: s.detail };
  }

  metrics(): MetricFamily[] {
    const c = this.runtime.conversations.stats();
    const s = this.runtime.stats();
    return [
      ['butler_flows_running', { type: 'gauge', help: '1 when deployed flows are running', samples: [[null, s.running ? 1 : 0]] }],
      [
        'butler_flows_node_errors',
        { type: 'gauge', help: 'Flow nodes that reported an error since the last deploy', samples: [[null, s.nodeErrors]] },
      ],
      [
        'butler_flow_conversations_total',
        {
          type: 'counter',
          help: 'Conversations offered to flows, by outcome',
          samples: [
            [{ outcome: 'answered' }, c.answered],
            [{ outcome: 'timed_out' }, c.timed_out],
            [{ outcome: 'declined' }, c.declined],
          ],
        },
      ],
    ];
  }
}

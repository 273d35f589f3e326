// Home (#/): each part's health with the reason when not ok, the talk box, what waits for you (approve/deny with a
// countdown), scene buttons, and running timers and goals with cancel.
import { LitElement, css, html, nothing } from 'lit';
import { api, stream } from '../api';
import { duration, t, when, type Key } from '../i18n';
import { shared } from '../styles';

interface Health {
  status: string;
  components: Record<string, { ok: boolean; detail?: string }>;
}
interface Confirmation {
  id: string;
  action_type: string;
  params: Record<string, unknown>;
  origin: { source: string; user?: string; trusted: boolean };
  reason: string;
  expires_ts: number;
}
interface Msg {
  who: 'me' | 'butler';
  text: string;
  by?: string;
}
interface Task {
  task_id: string;
  name: string;
  run_at: number;
}
interface Goal {
  goal_id: string;
  text: string;
  status: string;
  current_step: number;
  steps: unknown[];
}
interface Scene {
  id: string;
  name: string;
}

export class ButlerHome extends LitElement {
  static override properties = {
    health: { attribute: false },
    messages: { state: true },
    confirmations: { state: true },
    scenes: { state: true },
    tasks: { state: true },
    goals: { state: true },
    now: { state: true },
    busy: { state: true },
  };
  declare health: Health | null;
  declare messages: Msg[];
  declare confirmations: Confirmation[];
  declare scenes: Scene[];
  declare tasks: Task[];
  declare goals: Goal[];
  declare now: number;
  declare busy: boolean;
  private conversationId: string | null = null;
  private off: (() => void) | null = null;
  private tick = 0;

  static override styles = [
    shared,
    css`
      #chat {
        min-height: 8rem;
        max-height: 45vh;
        overflow: auto;
        border: 1px solid var(--divider-color);
        border-radius: 8px;
        padding: 0.5rem;
        background: var(--primary-background-color);
      }
      .msg {
        margin: 0.35rem 0;
      }
      .msg.me {
        text-align: right;
      }
      .msg .bubble {
        padding: 0.3rem 0.6rem;
        border-radius: 10px;
        display: inline-block;
        background: var(--secondary-background-color);
        max-width: 85%;
        text-align: left;
      }
      .msg.me .bubble {
        background: var(--primary-color);
        color: #fff;
      }
      .msg .by {
        display: block;
        font-size: 0.75rem;
        color: var(--secondary-text-color);
      }
      form {
        display: flex;
        gap: 0.5rem;
        margin-top: 0.5rem;
      }
      form input {
        flex: 1;
      }
      .components li {
        display: flex;
        gap: 0.5rem;
        align-items: baseline;
      }
      .components .name {
        font-weight: 500;
      }
      .count {
        border-radius: 1rem;
        padding: 0 0.5rem;
        background: var(--secondary-background-color);
        font-size: 0.85rem;
      }
      .count.some {
        background: var(--warning-color);
        color: #fff;
      }
      .scenes {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
    `,
  ];

  constructor() {
    super();
    this.health = null;
    this.messages = [];
    this.confirmations = [];
    this.scenes = [];
    this.tasks = [];
    this.goals = [];
    this.now = Date.now() / 1000;
    this.busy = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.refreshAll();
    let debounce = 0;
    this.off = stream.on((kind) => {
      if (kind === 'confirmation') this.refreshConfirmations();
      if (kind === 'result' || kind === 'plan') {
        clearTimeout(debounce);
        debounce = window.setTimeout(() => this.refreshRunning(), 300);
      }
    });
    this.tick = window.setInterval(() => {
      this.now = Date.now() / 1000;
    }, 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.off?.();
    clearInterval(this.tick);
  }

  private refreshAll(): void {
    this.refreshConfirmations();
    this.refreshScenes();
    this.refreshRunning();
  }

  private async refreshConfirmations(): Promise<void> {
    try {
      this.confirmations = (await api<{ confirmations: Confirmation[] }>('api/confirmations?status=pending')).confirmations;
    } catch {
      /* the health pill says why */
    }
  }

  private async refreshScenes(): Promise<void> {
    try {
      this.scenes = (await api<{ scenes: Scene[] }>('api/scenes')).scenes;
    } catch {
      this.scenes = [];
    }
  }

  private async refreshRunning(): Promise<void> {
    const [tasks, goals] = await Promise.allSettled([
      api<{ tasks: Task[] }>('api/panel/tasks'),
      api<{ goals: Goal[] }>('api/goals?status=running'),
    ]);
    this.tasks = tasks.status === 'fulfilled' ? tasks.value.tasks : [];
    this.goals = goals.status === 'fulfilled' ? goals.value.goals : [];
  }

  private async send(ev: Event): Promise<void> {
    ev.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('#chat-input')!;
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    this.messages = [...this.messages, { who: 'me', text }];
    this.busy = true;
    try {
      const r = await api<{ reply: string; conversation_id: string; answered_by: string }>('api/command', {
        method: 'POST',
        json: { text, ...(this.conversationId ? { conversation_id: this.conversationId } : {}) },
      });
      this.conversationId = r.conversation_id;
      this.messages = [...this.messages, { who: 'butler', text: r.reply, by: r.answered_by }];
    } catch (err) {
      this.messages = [...this.messages, { who: 'butler', text: t('error', { message: (err as Error).message }) }];
    }
    this.busy = false;
    this.refreshAll();
    await this.updateComplete;
    const chat = this.renderRoot.querySelector('#chat');
    if (chat) chat.scrollTop = chat.scrollHeight;
    input.focus();
  }

  private async decide(c: Confirmation, decision: 'approve' | 'deny'): Promise<void> {
    try {
      await api(`api/confirmations/${encodeURIComponent(c.id)}/${decision}`, { method: 'POST', json: {} });
    } catch (err) {
      alert((err as Error).message);
    }
    this.refreshConfirmations();
  }

  private async activate(s: Scene): Promise<void> {
    try {
      await api(`api/scenes/${encodeURIComponent(s.id)}/activate`, { method: 'POST', json: {} });
    } catch (err) {
      alert((err as Error).message);
    }
  }

  private async cancelTask(task: Task): Promise<void> {
    try {
      await api('api/command', { method: 'POST', json: { actions: [{ action_type: 'cancel_task', params: { task: task.task_id } }] } });
    } catch (err) {
      alert((err as Error).message);
    }
    this.refreshRunning();
  }

  private async cancelGoal(goal: Goal): Promise<void> {
    try {
      await api(`api/goals/${encodeURIComponent(goal.goal_id)}/cancel`, { method: 'POST', json: {} });
    } catch (err) {
      alert((err as Error).message);
    }
    this.refreshRunning();
  }

  override render() {
    return html`<div class="grid">
      ${this.renderTalk()} ${this.renderWaiting()} ${this.renderHealth()} ${this.renderRunning()} ${this.renderScenes()}
    </div>`;
  }

  private renderTalk() {
    return html`<section class="card" aria-labelledby="talk-h">
      <h2 id="talk-h">${t('talk')}</h2>
      <div id="chat" role="log" aria-live="polite">
        ${this.messages.map(
          (m) =>
            html`<div class="msg ${m.who}">
              <span class="bubble"
                ><span class="sr-only">${m.who === 'me' ? t('you') : 'Butler'}: </span>${m.text}${
                  m.by ? html`<span class="by">${t('answered_by', { who: t(`by_${m.by}` as Key) || m.by })}</span>` : nothing
                }</span
              >
            </div>`,
        )}
      </div>
      <form id="chat-form" @submit=${this.send}>
        <input id="chat-input" autocomplete="off" placeholder=${t('talk_placeholder')} aria-label=${t('message')} />
        <button type="submit" ?disabled=${this.busy}>${t('send')}</button>
      </form>
    </section>`;
  }

  private renderWaiting() {
    const n = this.confirmations.length;
    return html`<section class="card" aria-labelledby="waiting-h">
      <h2 id="waiting-h">${t('waiting')} <span id="pending-count" class="count ${n ? 'some' : ''}">${n}</span></h2>
      ${n === 0 ? html`<p class="muted">${t('nothing_waiting')}</p>` : nothing}
      <ul id="confirmations" class="plain">
        ${this.confirmations.map((c) => {
          const left = c.expires_ts - this.now;
          return html`<li data-id=${c.id}>
            <div><strong>${c.action_type}</strong> <code>${describeParams(c.params)}</code></div>
            <div class="muted">${t('asked_by', { who: c.origin.user ?? c.origin.source, source: c.origin.source })}</div>
            <div>${c.reason}</div>
            <div class="row">
              <span class="muted countdown" role="timer">${left > 0 ? t('expires_in', { time: duration(left) }) : t('expired')}</span>
              <button @click=${() => this.decide(c, 'approve')} aria-label="${t('approve')} ${c.action_type}">${t('approve')}</button>
              <button class="secondary" @click=${() => this.decide(c, 'deny')} aria-label="${t('deny')} ${c.action_type}">
                ${t('deny')}
              </button>
            </div>
          </li>`;
        })}
      </ul>
    </section>`;
  }

  private renderHealth() {
    const h = this.health;
    return html`<section class="card" aria-labelledby="health-h">
      <h2 id="health-h">${t('health')}</h2>
      ${
        h
          ? html`<ul class="plain components">
            ${Object.entries(h.components).map(
              ([name, c]) =>
                html`<li data-component=${name} class=${c.ok ? 'ok-row' : 'bad-row'}>
                  <span class=${c.ok ? 'ok' : 'bad'} aria-hidden="true">${c.ok ? '●' : '▲'}</span>
                  <span class="name">${name}</span>
                  <span class="muted">${c.ok ? (c.detail ?? t('health_ok')) : (c.detail ?? '')}</span>
                </li>`,
            )}
          </ul>`
          : html`<p class="muted">${t('loading')}</p>`
      }
    </section>`;
  }

  private renderRunning() {
    const empty = this.tasks.length === 0 && this.goals.length === 0;
    return html`<section class="card" aria-labelledby="running-h">
      <h2 id="running-h">${t('running')}</h2>
      ${empty ? html`<p class="muted">${t('nothing_running')}</p>` : nothing}
      <ul class="plain" id="running">
        ${this.tasks.map((task) => {
          const isTimer = task.name.startsWith('timer:');
          return html`<li class="row" data-task=${task.task_id}>
            <span>${isTimer ? t('timer') : t('task')}: <strong>${isTimer ? task.name.slice(6) : task.name || task.task_id}</strong></span>
            <span class="muted" role="timer">${isTimer ? duration(task.run_at - this.now) : t('at', { time: when(task.run_at) })}</span>
            <button class="secondary" @click=${() => this.cancelTask(task)}>${t('cancel')}</button>
          </li>`;
        })}
        ${this.goals.map(
          (g) =>
            html`<li class="row" data-goal=${g.goal_id}>
              <span>${t('goal')}: <strong>${g.text}</strong></span>
              <span class="muted">${t('steps', { done: g.current_step, total: g.steps.length })}</span>
              <button class="secondary" @click=${() => this.cancelGoal(g)}>${t('cancel')}</button>
            </li>`,
        )}
      </ul>
    </section>`;
  }

  private renderScenes() {
    return html`<section class="card" aria-labelledby="scenes-h">
      <h2 id="scenes-h">${t('scene_buttons')}</h2>
      ${this.scenes.length === 0 ? html`<p class="muted">${t('no_scenes')}</p>` : nothing}
      <div class="scenes">
        ${this.scenes.map(
          (s) =>
            html`<button class="secondary scene" data-scene=${s.id} @click=${() => this.activate(s)} aria-label=${t('activate', { name: s.name })}>
              ${s.name}
            </button>`,
        )}
      </div>
    </section>`;
  }
}

export function describeParams(params: Record<string, unknown>): string {
  const parts = Object.entries(params).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.join(', ');
}

customElements.define('butler-home', ButlerHome);

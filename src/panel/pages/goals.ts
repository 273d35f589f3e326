// Goals (#/goals): every goal with its steps and status, cancel for running ones, and a box to start a new one.
import { LitElement, html, nothing } from 'lit';
import { api } from '../api';
import { t, when } from '../i18n';
import { shared } from '../styles';

interface Goal {
  goal_id: string;
  text: string;
  status: string;
  planner: string;
  current_step: number;
  error: string | null;
  created_ts: number;
  steps: { index: number; status: string; step: unknown }[];
}

export class ButlerGoals extends LitElement {
  static override properties = { goals: { state: true }, message: { state: true } };
  declare goals: Goal[];
  declare message: string;
  static override styles = [shared];

  constructor() {
    super();
    this.goals = [];
    this.message = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.refresh();
  }

  private async refresh(): Promise<void> {
    try {
      this.goals = (await api<{ goals: Goal[] }>('api/goals?limit=100')).goals;
    } catch (err) {
      this.message = t('error', { message: (err as Error).message });
    }
  }

  private async start(e: Event): Promise<void> {
    e.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('#goal-text')!;
    if (!input.value.trim()) return;
    try {
      await api('api/goals', { method: 'POST', json: { text: input.value.trim() } });
      input.value = '';
      this.message = '';
    } catch (err) {
      this.message = t('error', { message: (err as Error).message });
    }
    this.refresh();
  }

  private async cancel(g: Goal): Promise<void> {
    await api(`api/goals/${encodeURIComponent(g.goal_id)}/cancel`, { method: 'POST', json: {} }).catch((err: Error) => {
      this.message = t('error', { message: err.message });
    });
    this.refresh();
  }

  override render() {
    return html`<section class="card" aria-labelledby="goals-h">
      <h2 id="goals-h">${t('goals_list')}</h2>
      <form class="row" @submit=${this.start}>
        <input id="goal-text" style="flex:1" aria-label=${t('new_goal')} placeholder=${t('new_goal')} />
        <button type="submit">${t('start')}</button>
      </form>
      <p role="status">${this.message}</p>
      <ul class="plain" id="goals">
        ${this.goals.map(
          (g) => html`<li data-goal=${g.goal_id}>
            <div class="row">
              <strong style="margin-right:auto">${g.text}</strong>
              <span class="status-${g.status === 'done' ? 'ok' : g.status === 'failed' ? 'error' : 'pending_confirmation'}">${g.status}</span>
              ${g.status === 'running' || g.status === 'waiting' ? html`<button class="secondary" @click=${() => this.cancel(g)}>${t('cancel')}</button>` : nothing}
            </div>
            <div class="muted">${when(g.created_ts)} · ${g.planner} · ${t('steps', { done: g.steps.filter((s) => s.status === 'ok').length, total: g.steps.length })}</div>
            ${g.error ? html`<div class="bad">${g.error}</div>` : nothing}
            <ol>
              ${g.steps.map((s) => html`<li><code>${JSON.stringify(s.step)}</code> <span class="status-${s.status}">${s.status}</span></li>`)}
            </ol>
          </li>`,
        )}
      </ul>
    </section>`;
  }
}
customElements.define('butler-goals', ButlerGoals);

// Rules (#/rules): the list, and an editor that checks the rule as you type against the rule schema
// (GET api/schemas/rule, validated by the butler with the registered actions), names the wrong field, saves, and
// dry-runs the rule against a past event: what it would have done, nothing executed. The text is JSON or YAML (the
// format picker converts what is written; the butler validates the parsed rule either way).
import { LitElement, css, html, nothing } from 'lit';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { type ApiError, api } from '../api';
import { t, when } from '../i18n';
import { shared } from '../styles';
import { describeParams } from './home';
import './references';

interface RuleInfo {
  id: string;
  name: string;
  enabled: boolean;
  status: string;
  errors?: string[];
  rule: Record<string, unknown> | null;
  run_count: number;
}
interface Ev {
  event_id: string;
  ts: number;
  type: string;
  source: string;
}
interface DryRun {
  would_run: boolean;
  why: string | null;
  actions: { action_type: string; params: Record<string, unknown>; risk: string }[];
  delays: number;
}

const TEMPLATE = {
  id: 'my_rule',
  name: 'My rule',
  triggers: [{ kind: 'event', type: 'doorbell.pressed' }],
  conditions: [],
  actions: [{ action_type: 'notify', params: { message: 'Someone is at the door' } }],
};

/** The field a validation message names ("/triggers/0/kind: …" → "triggers/0/kind"). */
export function fieldOf(detail: string): string {
  const m = /^(?:body)?\/?([^:]*):/.exec(detail);
  return m && m[1] !== '(root)' ? m[1] || '(root)' : '(root)';
}

export class ButlerRules extends LitElement {
  static override properties = {
    rules: { state: true },
    text: { state: true },
    editing: { state: true },
    problems: { state: true },
    parseError: { state: true },
    message: { state: true },
    events: { state: true },
    dry: { state: true },
    topLevel: { state: true },
    format: { state: true },
  };
  declare format: 'json' | 'yaml';
  declare rules: RuleInfo[];
  declare text: string;
  declare editing: string | null;
  declare problems: string[] | null;
  declare parseError: string;
  declare message: string;
  declare events: Ev[];
  declare dry: DryRun | null;
  declare topLevel: string[];
  private debounce = 0;
  private seq = 0;

  static override styles = [
    shared,
    css`
      textarea {
        width: 100%;
        box-sizing: border-box;
        min-height: 18rem;
        font-family: ui-monospace, monospace;
        font-size: 0.85rem;
      }
      .problems li {
        color: var(--error-color);
      }
      .field {
        font-weight: 600;
      }
    `,
  ];

  constructor() {
    super();
    this.rules = [];
    this.text = '';
    this.editing = null;
    this.problems = null;
    this.parseError = '';
    this.message = '';
    this.events = [];
    this.dry = null;
    this.topLevel = [];
    this.format = 'json';
  }

  private serialise(value: unknown): string {
    return this.format === 'yaml' ? toYaml(value) : JSON.stringify(value, null, 2);
  }

  /** Switches the editor between JSON and YAML, converting the text when it parses (else it stays as written). */
  private setFormat(format: 'json' | 'yaml'): void {
    const value = this.parsed();
    this.format = format;
    if (value !== undefined) this.text = this.serialise(value);
    this.check();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.refresh();
    api<{ properties?: Record<string, unknown> }>('api/schemas/rule').then(
      (s) => {
        this.topLevel = Object.keys(s.properties ?? {});
      },
      () => {},
    );
    api<{ events: Ev[] }>('api/events?limit=50').then(
      (r) => {
        this.events = r.events;
      },
      () => {},
    );
  }

  private async refresh(): Promise<void> {
    try {
      this.rules = (await api<{ rules: RuleInfo[] }>('api/rules')).rules;
    } catch (err) {
      this.message = t('error', { message: (err as Error).message });
    }
  }

  private open(rule: RuleInfo | null): void {
    this.editing = rule?.id ?? null;
    this.text = this.serialise(rule?.rule ?? TEMPLATE);
    this.message = '';
    this.dry = null;
    this.check();
  }

  private onInput(e: Event): void {
    this.text = (e.target as HTMLTextAreaElement).value;
    this.message = '';
    clearTimeout(this.debounce);
    this.debounce = window.setTimeout(() => this.check(), 250);
  }

  private parsed(): unknown {
    try {
      this.parseError = '';
      if (this.format === 'yaml') {
        const v = parseYaml(this.text) as unknown;
        return v === undefined || v === null ? {} : v;
      }
      return JSON.parse(this.text);
    } catch (err) {
      this.parseError = (err as Error).message;
      return undefined;
    }
  }

  /** Validates the text as it stands; the answer for an older text is dropped. */
  async check(): Promise<boolean> {
    const body = this.parsed();
    if (body === undefined) {
      this.problems = [`(root): ${this.parseError}`];
      return false;
    }
    const mine = ++this.seq;
    try {
      const r = await api<{ ok: boolean; error?: string; details?: string[] }>('api/rules/validate', { method: 'POST', json: body });
      const problems = r.ok ? [] : r.details?.length ? r.details : [r.error ?? 'invalid'];
      if (mine === this.seq) this.problems = problems;
      return problems.length === 0;
    } catch (err) {
      if (mine === this.seq) this.problems = [(err as Error).message];
      return false;
    }
  }

  private async save(): Promise<void> {
    if (!(await this.check())) return;
    const body = this.parsed() as { id?: string };
    try {
      if (this.editing) await api(`api/rules/${encodeURIComponent(this.editing)}`, { method: 'PUT', json: body });
      else {
        await api('api/rules', { method: 'POST', json: body });
        this.editing = body.id ?? null;
      }
      this.message = t('saved');
      this.refresh();
    } catch (err) {
      const e = err as ApiError;
      this.message = t('error', { message: e.message });
    }
  }

  private async deleteRule(rule: RuleInfo): Promise<void> {
    await api(`api/rules/${encodeURIComponent(rule.id)}`, { method: 'DELETE' }).catch((err: Error) => alert(err.message));
    if (this.editing === rule.id) this.editing = null;
    this.refresh();
  }

  private async dryRun(): Promise<void> {
    const select = this.renderRoot.querySelector<HTMLSelectElement>('#dry-event');
    const rule = this.parsed();
    if (!select?.value || rule === undefined) return;
    try {
      this.dry = await api<DryRun>('api/rules/dry-run', { method: 'POST', json: { rule, event_id: select.value } });
    } catch (err) {
      this.dry = { would_run: false, why: (err as Error).message, actions: [], delays: 0 };
    }
  }

  override render() {
    return html`<div class="grid">
      <section class="card" aria-labelledby="rules-h">
        <div class="row">
          <h2 id="rules-h" style="margin-right:auto">${t('rules')}</h2>
          <button id="new-rule" @click=${() => this.open(null)}>${t('new_rule')}</button>
        </div>
        ${this.rules.length === 0 ? html`<p class="muted">${t('no_rules')}</p>` : nothing}
        <ul class="plain" id="rules">
          ${this.rules.map(
            (r) => html`<li class="row" data-rule=${r.id}>
              <span style="margin-right:auto"
                ><strong>${r.name}</strong> <span class="muted">${r.id} · ${r.enabled ? t('enabled') : t('disabled')} · ${r.run_count}</span>
                ${r.status === 'invalid' ? html`<span class="bad">${(r.errors ?? []).join('; ')}</span>` : nothing}</span
              >
              <button class="secondary" @click=${() => this.open(r)}>${t('edit')}</button>
              <button class="secondary" @click=${() => this.deleteRule(r)} aria-label="${t('delete')} ${r.name}">${t('delete')}</button>
            </li>`,
          )}
        </ul>
      </section>
      <butler-references></butler-references>
      ${this.text ? this.renderEditor() : nothing}
    </div>`;
  }

  private renderEditor() {
    const problems = this.problems ?? [];
    return html`<section class="card" aria-labelledby="editor-h" style="grid-column:1/-1">
      <h2 id="editor-h">${t('rule_editor')} ${this.editing ? html`<code>${this.editing}</code>` : nothing}</h2>
      ${this.topLevel.length ? html`<p class="muted">${this.topLevel.join(' · ')}</p>` : nothing}
      <label class="row"
        >${t('format')}
        <select id="rule-format" .value=${this.format} @change=${(e: Event) => this.setFormat((e.target as HTMLSelectElement).value as 'json' | 'yaml')}>
          <option value="json" ?selected=${this.format === 'json'}>JSON</option>
          <option value="yaml" ?selected=${this.format === 'yaml'}>YAML</option>
        </select></label
      >
      <textarea
        id="rule-text"
        spellcheck="false"
        aria-label=${t('rule_editor')}
        aria-invalid=${problems.length ? 'true' : 'false'}
        aria-describedby="rule-status"
        .value=${this.text}
        @input=${this.onInput}
      ></textarea>
      <div id="rule-status" role="status" aria-live="polite">
        ${
          this.problems === null
            ? nothing
            : problems.length === 0
              ? html`<p class="ok" id="rule-valid">${t('valid')}</p>`
              : html`<ul class="problems" id="rule-problems">
                ${problems.map(
                  (p) =>
                    html`<li><span class="field" data-field=${fieldOf(p)}>${t('invalid_field', { field: fieldOf(p) })}</span> — ${p}</li>`,
                )}
              </ul>`
        }
      </div>
      <div class="row">
        <button id="save-rule" @click=${this.save} ?disabled=${problems.length > 0}>${t('save')}</button>
        <span id="rule-message" role="status">${this.message}</span>
      </div>
      <h2 style="margin-top:1rem">${t('dry_run')}</h2>
      <div class="row">
        <label
          >${t('dry_run_event')}
          <select id="dry-event">
            ${this.events.map((e) => html`<option value=${e.event_id}>${when(e.ts)} ${e.type} (${e.source})</option>`)}
          </select></label
        >
        <button id="dry-run" class="secondary" @click=${this.dryRun}>${t('dry_run')}</button>
      </div>
      ${this.dry ? this.renderDry(this.dry) : nothing}
    </section>`;
  }

  private renderDry(d: DryRun) {
    return html`<div id="dry-result" role="status">
      ${
        d.actions.length && d.would_run
          ? html`<p>${t('dry_run_would')}</p>
            <ul class="plain">
              ${d.actions.map((a) => html`<li data-action=${a.action_type}><strong>${a.action_type}</strong> <code>${describeParams(a.params)}</code> <span class="muted">${a.risk}</span></li>`)}
            </ul>`
          : html`<p>${t('dry_run_none', { why: d.why ?? '' })}</p>`
      }
    </div>`;
  }
}
customElements.define('butler-rules', ButlerRules);

// Timeline (#/timeline): one row per event (or plan without one), its causal chain (event → plan → the policy's
// decision and reason → each result) in a "why?" view, a "why not?" view for an event nothing acted on; filters by
// source, entity, action, status and time; live over api/stream; virtualised, so 100,000 rows scroll as fast as 100.
import { LitElement, css, html, nothing } from 'lit';
import { api, stream } from '../api';
import { t, when } from '../i18n';
import { shared } from '../styles';
import { describeParams } from './home';

interface Ev {
  event_id: string;
  ts: number;
  source: string;
  type: string;
  payload: Record<string, unknown>;
}
interface Plan {
  plan_id: string;
  actions: { action_type: string; params: Record<string, unknown> }[];
  policy: string;
  reason: string;
  created_ts: number;
  source: string;
  trusted: boolean;
}
interface Result {
  index: number;
  action_type: string;
  status: string;
  output: unknown;
  ts: number;
}
interface Entry {
  event: Ev | null;
  plans: { plan: Plan; results: Result[] }[];
}
interface Row {
  key: string;
  ts: number;
  entry: Entry;
  source: string;
  statuses: Set<string>;
  actions: string;
  haystack: string;
}
interface RuleInfo {
  id: string;
  name: string;
  rule: { triggers: { kind: string; type?: string }[] } | null;
}

const ROW = 44;
const OVERSCAN = 12;
const PAGE = 1000;
/** Rows fetched at first load; older pages come as you scroll to the end. */
const FIRST_LOAD = 10_000;

function toRow(entry: Entry): Row {
  const first = entry.plans[0]?.plan;
  const statuses = new Set<string>();
  for (const p of entry.plans) for (const r of p.results) statuses.add(r.status);
  if (entry.plans.length === 0) statuses.add('none');
  const actions = entry.plans.flatMap((p) => p.plan.actions.map((a) => a.action_type)).join(' ');
  return {
    key: entry.event?.event_id ?? first!.plan_id,
    ts: entry.event?.ts ?? first!.created_ts,
    entry,
    source: entry.event?.source ?? first!.source,
    statuses,
    actions,
    haystack: JSON.stringify([entry.event?.payload ?? null, entry.plans.map((p) => p.plan.actions)]).toLowerCase(),
  };
}

/**
 * The `before` of the next older page: just after the oldest row's time, so rows that share that millisecond are
 * fetched again (and dropped as already seen) instead of skipped; paging stops when a page brings nothing new.
 */
function pageBoundary(rows: Row[]): number {
  return rows[rows.length - 1].ts + 0.0005;
}

export class ButlerTimeline extends LitElement {
  static override properties = {
    rows: { state: true },
    start: { state: true },
    viewport: { state: true },
    selected: { state: true },
    filter: { state: true },
    loading: { state: true },
    exhausted: { state: true },
    rules: { state: true },
  };
  declare rows: Row[];
  declare start: number;
  declare viewport: number;
  declare selected: Row | null;
  declare filter: { source: string; entity: string; action: string; status: string; since: string };
  declare loading: boolean;
  declare exhausted: boolean;
  declare rules: RuleInfo[] | null;
  private off: (() => void) | null = null;
  private filteredCache: { rows: Row[]; filter: unknown; out: Row[] } | null = null;

  static override styles = [
    shared,
    css`
      .filters {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        margin-bottom: 0.6rem;
      }
      .filters label {
        display: flex;
        flex-direction: column;
        font-size: 0.8rem;
        color: var(--secondary-text-color);
      }
      .layout {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: 1rem;
      }
      @media (min-width: 900px) {
        .layout.with-detail {
          grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
        }
      }
      #scroller {
        height: 65vh;
        overflow-y: auto;
        position: relative;
        border: 1px solid var(--divider-color);
        border-radius: 8px;
        contain: strict;
      }
      #timeline {
        list-style: none;
        margin: 0;
        padding: 0;
        position: absolute;
        left: 0;
        right: 0;
        top: 0;
      }
      #timeline li {
        height: ${ROW}px;
        box-sizing: border-box;
        display: flex;
        align-items: center;
        gap: 0.6rem;
        padding: 0 0.6rem;
        border-bottom: 1px solid var(--divider-color);
        white-space: nowrap;
        overflow: hidden;
        cursor: pointer;
      }
      #timeline li[aria-selected='true'] {
        background: var(--secondary-background-color);
      }
      #timeline li:focus-visible {
        outline-offset: -2px;
      }
      .when {
        color: var(--secondary-text-color);
        font-size: 0.85rem;
        min-width: 5.5rem;
      }
      .what {
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .chain {
        border-left: 2px solid var(--divider-color);
        padding-left: 0.8rem;
        margin: 0.5rem 0;
      }
      dt {
        font-weight: 500;
        margin-top: 0.5rem;
      }
      dd {
        margin: 0.1rem 0 0 0;
      }
    `,
  ];

  constructor() {
    super();
    this.rows = [];
    this.start = 0;
    this.viewport = 600;
    this.selected = null;
    this.filter = { source: '', entity: '', action: '', status: '', since: '' };
    this.loading = false;
    this.exhausted = false;
    this.rules = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.rows.length === 0) this.loadFirst();
    let debounce = 0;
    this.off = stream.on((kind) => {
      if (kind === 'event' || kind === 'plan' || kind === 'result') {
        clearTimeout(debounce);
        debounce = window.setTimeout(() => this.refreshNewest(), 250);
      }
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.off?.();
  }

  private async fetchPage(before?: number): Promise<Entry[]> {
    const q = new URLSearchParams({ limit: String(PAGE) });
    if (before !== undefined) q.set('before', String(before));
    return (await api<{ timeline: Entry[] }>(`api/timeline?${q}`)).timeline;
  }

  private async loadFirst(): Promise<void> {
    this.loading = true;
    const rows: Row[] = [];
    const seen = new Set<string>();
    let before: number | undefined;
    try {
      while (rows.length < FIRST_LOAD) {
        const page = await this.fetchPage(before);
        let added = 0;
        for (const e of page) {
          const r = toRow(e);
          if (!seen.has(r.key)) {
            seen.add(r.key);
            rows.push(r);
            added++;
          }
        }
        if (added === 0) {
          this.exhausted = true;
          break;
        }
        before = pageBoundary(rows);
        // The first page shows at once; the rest follow.
        if (this.rows.length === 0) this.rows = rows.slice();
      }
    } catch {
      /* the health pill says why; what loaded stays */
    }
    performance.mark('timeline:data');
    this.rows = rows;
    this.loading = false;
    await this.updateComplete;
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    performance.measure('timeline:render', { start: 'timeline:data', detail: { rows: rows.length } });
    this.dataset.rows = String(rows.length);
  }

  private async loadOlder(): Promise<void> {
    if (this.loading || this.exhausted || this.rows.length === 0) return;
    this.loading = true;
    try {
      const page = await this.fetchPage(pageBoundary(this.rows));
      const seen = new Set(this.rows.map((r) => r.key));
      const fresh = page.map(toRow).filter((r) => !seen.has(r.key));
      if (fresh.length === 0) this.exhausted = true;
      else this.rows = [...this.rows, ...fresh];
    } finally {
      this.loading = false;
    }
  }

  private async refreshNewest(): Promise<void> {
    let page: Entry[];
    try {
      page = (await api<{ timeline: Entry[] }>('api/timeline?limit=100')).timeline;
    } catch {
      return;
    }
    const fresh = new Map(page.map((e) => [toRow(e).key, toRow(e)]));
    const kept = this.rows.filter((r) => !fresh.has(r.key));
    this.rows = [...fresh.values(), ...kept].sort((a, b) => b.ts - a.ts);
    if (this.selected && fresh.has(this.selected.key)) this.selected = fresh.get(this.selected.key)!;
  }

  private filtered(): Row[] {
    const f = this.filter;
    if (this.filteredCache && this.filteredCache.rows === this.rows && this.filteredCache.filter === f) return this.filteredCache.out;
    const since = f.since ? new Date(f.since).getTime() / 1000 : 0;
    const entity = f.entity.trim().toLowerCase();
    const action = f.action.trim().toLowerCase();
    const out =
      !f.source && !entity && !action && !f.status && !since
        ? this.rows
        : this.rows.filter(
            (r) =>
              (!f.source || r.source === f.source) &&
              (!f.status || r.statuses.has(f.status)) &&
              (!since || r.ts >= since) &&
              (!action || r.actions.toLowerCase().includes(action)) &&
              (!entity || r.haystack.includes(entity)),
          );
    this.filteredCache = { rows: this.rows, filter: f, out };
    return out;
  }

  private onScroll(e: Event): void {
    const el = e.target as HTMLElement;
    this.viewport = el.clientHeight;
    const start = Math.max(0, Math.floor(el.scrollTop / ROW) - OVERSCAN);
    if (start !== this.start) this.start = start;
    if (el.scrollTop + el.clientHeight > el.scrollHeight - ROW * 20) this.loadOlder();
  }

  private setFilter(name: keyof ButlerTimeline['filter'], value: string): void {
    this.filter = { ...this.filter, [name]: value };
    this.start = 0;
    const s = this.renderRoot.querySelector('#scroller');
    if (s) s.scrollTop = 0;
  }

  private async select(row: Row): Promise<void> {
    this.selected = row;
    if (row.entry.event && row.entry.plans.length === 0 && !this.rules) {
      try {
        this.rules = (await api<{ rules: RuleInfo[] }>('api/rules')).rules;
      } catch {
        this.rules = [];
      }
    }
  }

  private onKey(e: KeyboardEvent, rows: Row[], i: number): void {
    const go = (j: number) => {
      if (j < 0 || j >= rows.length) return;
      e.preventDefault();
      const s = this.renderRoot.querySelector<HTMLElement>('#scroller')!;
      if (j * ROW < s.scrollTop) s.scrollTop = j * ROW;
      if ((j + 1) * ROW > s.scrollTop + s.clientHeight) s.scrollTop = (j + 1) * ROW - s.clientHeight;
      this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#timeline li[data-index="${j}"]`)?.focus());
    };
    if (e.key === 'ArrowDown') go(i + 1);
    else if (e.key === 'ArrowUp') go(i - 1);
    else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.select(rows[i]);
    }
  }

  override firstUpdated(): void {
    const s = this.renderRoot.querySelector<HTMLElement>('#scroller');
    if (s) this.viewport = s.clientHeight || 600;
  }

  override render() {
    const rows = this.filtered();
    const count = Math.ceil(this.viewport / ROW) + OVERSCAN * 2;
    const visible = rows.slice(this.start, this.start + count);
    const sources = [...new Set(this.rows.map((r) => r.source))].sort();
    return html`
      <section class="card" aria-labelledby="tl-h">
        <h2 id="tl-h">${t('timeline')} <span class="muted">${t('rows', { shown: rows.length, total: this.rows.length })}</span></h2>
        <div class="filters" role="search" aria-label=${t('filters')}>
          <label
            >${t('filter_source')}
            <select id="f-source" @change=${(e: Event) => this.setFilter('source', (e.target as HTMLSelectElement).value)}>
              <option value="">${t('any')}</option>
              ${sources.map((s) => html`<option value=${s} ?selected=${s === this.filter.source}>${s}</option>`)}
            </select></label
          >
          <label
            >${t('filter_entity')}
            <input id="f-entity" placeholder="light.kitchen" @input=${(e: Event) => this.setFilter('entity', (e.target as HTMLInputElement).value)}
          /></label>
          <label
            >${t('filter_action')}
            <input id="f-action" placeholder="device_turn_on" @input=${(e: Event) => this.setFilter('action', (e.target as HTMLInputElement).value)}
          /></label>
          <label
            >${t('filter_status')}
            <select id="f-status" @change=${(e: Event) => this.setFilter('status', (e.target as HTMLSelectElement).value)}>
              <option value="">${t('any')}</option>
              ${['ok', 'error', 'denied', 'pending_confirmation', 'interrupted', 'none'].map((s) => html`<option value=${s}>${s}</option>`)}
            </select></label
          >
          <label
            >${t('filter_since')}
            <input id="f-since" type="datetime-local" @change=${(e: Event) => this.setFilter('since', (e.target as HTMLInputElement).value)}
          /></label>
        </div>
        <div class="layout ${this.selected ? 'with-detail' : ''}">
          <div id="scroller" @scroll=${this.onScroll} tabindex="-1">
            <div style="height:${rows.length * ROW}px"></div>
            <ol id="timeline" role="listbox" aria-label=${t('timeline')} style="transform:translateY(${this.start * ROW}px)">
              ${visible.map((r, k) => this.renderRow(r, this.start + k, rows))}
            </ol>
          </div>
          ${this.selected ? this.renderDetail(this.selected) : nothing}
        </div>
        ${this.loading ? html`<p class="muted">${t('loading')}</p>` : nothing}
      </section>
    `;
  }

  private renderRow(r: Row, i: number, rows: Row[]) {
    const e = r.entry.event;
    const results = r.entry.plans.flatMap((p) => p.results);
    return html`<li
      role="option"
      data-index=${i}
      data-key=${r.key}
      tabindex=${i === this.start ? 0 : -1}
      aria-selected=${this.selected?.key === r.key ? 'true' : 'false'}
      @click=${() => this.select(r)}
      @keydown=${(ev: KeyboardEvent) => this.onKey(ev, rows, i)}
    >
      <span class="when">${when(r.ts)}</span>
      <span class="what"
        >${e ? html`<strong>${e.type}</strong> <span class="muted">${e.source}</span>` : html`<strong>${t('plan')}</strong> <span class="muted">${r.source}</span>`}
        ${results.map((res) => html` → <span class="status-${res.status}">${res.action_type} ${res.status}</span>`)}
        ${e && r.entry.plans.length === 0 ? html`<span class="muted"> —</span>` : nothing}</span
      >
    </li>`;
  }

  private renderDetail(r: Row) {
    const e = r.entry.event;
    const listening =
      e && r.entry.plans.length === 0
        ? (this.rules ?? []).filter((x) => x.rule?.triggers.some((tr) => tr.kind === 'event' && tr.type === e.type))
        : [];
    return html`<aside class="card" id="detail" aria-labelledby="detail-h">
      <div class="row">
        <h2 id="detail-h" style="margin-right:auto">${r.entry.plans.length ? t('why') : t('why_not')}</h2>
        <button class="secondary" @click=${() => (this.selected = null)}>${t('close')}</button>
      </div>
      <dl>
        ${
          e
            ? html`<dt>${t('event')}</dt>
              <dd><strong>${e.type}</strong> <span class="muted">${e.source} · ${when(e.ts)} · ${e.event_id}</span></dd>
              <dd><code>${JSON.stringify(e.payload)}</code></dd>`
            : nothing
        }
        ${r.entry.plans.map(
          ({ plan, results }) => html`<div class="chain">
            <dt>${t('plan')} <span class="muted">${plan.source}${plan.trusted ? '' : ` (${t('untrusted')})`} · ${plan.plan_id}</span></dt>
            <dt>${t('policy')}: <span class="status-${plan.policy === 'allow' ? 'ok' : plan.policy === 'confirm' ? 'pending_confirmation' : 'denied'}">${plan.policy}</span></dt>
            <dd>${plan.reason}</dd>
            ${plan.actions.map((a, i) => {
              const res = results.find((x) => x.index === i);
              return html`<dt>${a.action_type} <code>${describeParams(a.params)}</code></dt>
                <dd>
                  ${t('result')}: <span class="status-${res?.status ?? 'none'}">${res?.status ?? '—'}</span>
                  ${res?.output !== undefined && res?.output !== null ? html`<code>${JSON.stringify(res.output)}</code>` : nothing}
                </dd>`;
            })}
          </div>`,
        )}
        ${
          e && r.entry.plans.length === 0
            ? html`<dd id="why-not">
              ${t('no_plan')}
              ${
                listening.length
                  ? t('why_not_rules', { type: e.type, rules: listening.map((x) => x.name).join(', ') })
                  : t('why_not_none', { type: e.type })
              }
            </dd>`
            : nothing
        }
      </dl>
    </aside>`;
  }
}
customElements.define('butler-timeline', ButlerTimeline);

// Usage (#/usage): per day, the language model's requests, input/output/cached tokens and an estimated cost, the share
// of turns answered offline vs by the planner, and p50/p95 per conversation stage (GET api/usage, kept across restarts).
import { LitElement, css, html, nothing } from 'lit';
import { api } from '../api';
import { t } from '../i18n';
import { shared } from '../styles';

interface Latency {
  count: number;
  p50_ms: number | null;
  p95_ms: number | null;
}
interface Day {
  day: string;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_usd: number | null;
  answered: Record<string, number>;
  offline_share: number | null;
  stages: Record<string, Latency>;
}
interface Report {
  days: Day[];
  model: string | null;
}

const n = (x: number) => x.toLocaleString(document.documentElement.lang);
const ms = (x: number | null) => (x === null ? '> 30 s' : `≤ ${x < 1000 ? `${x} ms` : `${x / 1000} s`}`);
const usd = (x: number | null) => (x === null ? t('cost_unknown') : `$${x < 0.01 && x > 0 ? x.toFixed(4) : x.toFixed(2)}`);

export class ButlerUsage extends LitElement {
  static override properties = { report: { state: true }, error: { state: true } };
  declare report: Report | null;
  declare error: string;
  static override styles = [
    shared,
    css`
      table {
        width: 100%;
        border-collapse: collapse;
      }
      th,
      td {
        padding: 0.25rem 0.4rem;
        border-bottom: 1px solid var(--divider-color);
      }
      td.num,
      th.num {
        text-align: right;
        white-space: nowrap;
      }
      .scroll {
        overflow-x: auto;
        position: relative;
      }
      .bars {
        display: flex;
        align-items: flex-end;
        gap: 2px;
        height: 6rem;
      }
      .bars div {
        flex: 1;
        max-width: 2rem;
        background: var(--primary-color);
        min-height: 1px;
      }
    `,
  ];

  constructor() {
    super();
    this.report = null;
    this.error = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    api<Report>('api/usage?days=30').then(
      (r) => {
        this.report = r;
      },
      (err: Error) => {
        this.error = err.message;
      },
    );
  }

  override render() {
    const r = this.report;
    if (!r) return html`<p>${this.error ? t('error', { message: this.error }) : t('loading')}</p>`;
    const days = [...r.days].reverse();
    const total = (d: Day) => d.input_tokens + d.output_tokens + d.cache_read_tokens + d.cache_write_tokens;
    const max = Math.max(1, ...r.days.map(total));
    const stages = [...new Set(r.days.flatMap((d) => Object.keys(d.stages)))];
    return html`<div class="grid">
      <section class="card" aria-labelledby="usage-h" style="grid-column:1/-1">
        <h2 id="usage-h">${t('usage_title')}</h2>
        <p class="muted" id="usage-model">${r.model ? t('model_in_use', { model: r.model }) : t('no_model')}</p>
        ${
          r.days.length === 0
            ? html`<p id="usage-empty">${t('usage_none')}</p>`
            : html`<h3>${t('tokens_chart')}</h3>
                <div class="bars" role="img" aria-label=${t('tokens_chart')}>
                  ${r.days.map((d) => html`<div title="${d.day}: ${n(total(d))}" style="height:${(100 * total(d)) / max}%"></div>`)}
                </div>
                <h3>${t('usage_days')}</h3>
                <div class="scroll">
                  <table id="usage-days">
                    <thead>
                      <tr>
                        <th scope="col" style="text-align:left">${t('day')}</th>
                        <th scope="col" class="num">${t('requests')}</th>
                        <th scope="col" class="num">${t('input_tokens')}</th>
                        <th scope="col" class="num">${t('output_tokens')}</th>
                        <th scope="col" class="num">${t('cached_tokens')}</th>
                        <th scope="col" class="num">${t('cost')}</th>
                        <th scope="col" class="num">${t('offline_share')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${days.map(
                        (d) => html`<tr data-day=${d.day}>
                          <th scope="row" style="text-align:left">${d.day}</th>
                          <td class="num" data-col="requests">${n(d.requests)}</td>
                          <td class="num" data-col="input">${n(d.input_tokens)}</td>
                          <td class="num" data-col="output">${n(d.output_tokens)}</td>
                          <td class="num" data-col="cached">${n(d.cache_read_tokens)} / ${n(d.cache_write_tokens)}</td>
                          <td class="num" data-col="cost">${usd(d.cost_usd)}</td>
                          <td class="num" data-col="offline">
                            ${
                              d.offline_share === null
                                ? '–'
                                : html`<span
                                    title=${t('offline_share_of', {
                                      pct: Math.round(100 * d.offline_share),
                                      model: 100 - Math.round(100 * d.offline_share),
                                    })}
                                    >${Math.round(100 * d.offline_share)}%</span
                                  >`
                            }
                          </td>
                        </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>`
        }
      </section>
      ${
        stages.length
          ? html`<section class="card" aria-labelledby="stages-h" style="grid-column:1/-1">
              <h2 id="stages-h">${t('stage_latency')}</h2>
              <div class="scroll">
                <table id="usage-stages">
                  <thead>
                    <tr>
                      <th scope="col" style="text-align:left">${t('day')}</th>
                      ${stages.map((s) => html`<th scope="col" class="num">${s}</th>`)}
                    </tr>
                  </thead>
                  <tbody>
                    ${days.map(
                      (d) => html`<tr data-day=${d.day}>
                        <th scope="row" style="text-align:left">${d.day}</th>
                        ${stages.map((s) => {
                          const l = d.stages[s];
                          return html`<td class="num" data-stage=${s}>
                            ${l ? html`${ms(l.p50_ms)} / ${ms(l.p95_ms)} <span class="muted">(${n(l.count)})</span>` : nothing}
                          </td>`;
                        })}
                      </tr>`,
                    )}
                  </tbody>
                </table>
              </div>
            </section>`
          : nothing
      }
    </div>`;
  }
}
customElements.define('butler-usage', ButlerUsage);

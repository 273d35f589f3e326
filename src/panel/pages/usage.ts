// Usage (#/usage): the model's requests and tokens, and the share of turns answered offline vs by the planner, from
// the counters the butler keeps since it started (GET api/metrics).
import { LitElement, html, nothing } from 'lit';
import { t } from '../i18n';
import { shared } from '../styles';

interface Sample {
  name: string;
  labels: string;
  value: number;
}
const INTERESTING = /llm|planner|token|conversation|turn|answered|stage/i;

/** Prometheus text → samples (comments and malformed lines skipped). */
export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m && Number.isFinite(Number(m[3]))) out.push({ name: m[1], labels: m[2] ?? '', value: Number(m[3]) });
  }
  return out;
}

export class ButlerUsage extends LitElement {
  static override properties = { samples: { state: true }, error: { state: true } };
  declare samples: Sample[] | null;
  declare error: string;
  static override styles = [shared];

  constructor() {
    super();
    this.samples = null;
    this.error = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    fetch('api/metrics')
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`${r.status} ${r.statusText}`))))
      .then(
        (text) => {
          this.samples = parseMetrics(text).filter((s) => INTERESTING.test(s.name));
        },
        (err: Error) => {
          this.error = err.message;
        },
      );
  }

  override render() {
    const max = Math.max(1, ...(this.samples ?? []).map((s) => s.value));
    return html`<section class="card" aria-labelledby="usage-h">
      <h2 id="usage-h">${t('usage_title')}</h2>
      ${this.error ? html`<p class="bad">${t('error', { message: this.error })}</p>` : nothing}
      ${this.samples === null && !this.error ? html`<p>${t('loading')}</p>` : nothing}
      <table id="usage" style="width:100%;border-collapse:collapse">
        <thead>
          <tr>
            <th scope="col" style="text-align:left">${t('metric')}</th>
            <th scope="col" style="text-align:right">${t('value')}</th>
            <th scope="col"><span class="sr-only">chart</span></th>
          </tr>
        </thead>
        <tbody>
          ${(this.samples ?? []).map(
            (s) => html`<tr>
              <td><code>${s.name}${s.labels}</code></td>
              <td style="text-align:right">${Number.isInteger(s.value) ? s.value : s.value.toFixed(3)}</td>
              <td style="width:30%">
                <div aria-hidden="true" style="height:0.6rem;background:var(--primary-color);width:${(100 * s.value) / max}%"></div>
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
    </section>`;
  }
}
customElements.define('butler-usage', ButlerUsage);

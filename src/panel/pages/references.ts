// The reference check (on #/rules): rules, scenes and flows that name entities Home Assistant no longer has, from
// GET api/references. A renamed or removed entity otherwise breaks them without a word.
import { LitElement, html, nothing } from 'lit';
import { api } from '../api';
import { t, type Key } from '../i18n';
import { shared } from '../styles';

interface Missing {
  kind: 'rule' | 'scene' | 'flow';
  id: string;
  name: string;
  node_type?: string;
  flow?: string | null;
  path: string;
  entity_id: string;
}
interface Report {
  checked: boolean;
  notes: string[];
  missing: Missing[];
}

export class ButlerReferences extends LitElement {
  static override properties = { report: { state: true }, error: { state: true } };
  declare report: Report | null;
  declare error: string;
  static override styles = [shared];

  constructor() {
    super();
    this.report = null;
    this.error = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.load();
  }

  async load(): Promise<void> {
    try {
      this.report = await api<Report>('api/references');
      this.error = '';
    } catch (err) {
      this.error = (err as Error).message;
    }
  }

  override render() {
    const r = this.report;
    return html`<section class="card" aria-labelledby="refs-h" id="references">
      <div class="row">
        <h2 id="refs-h" style="margin-right:auto">${t('references')}</h2>
        <button class="secondary" id="check-references" @click=${this.load}>${t('check_again')}</button>
      </div>
      <p class="muted">${t('references_hint')}</p>
      ${this.error ? html`<p class="bad">${t('error', { message: this.error })}</p>` : nothing}
      ${
        !r
          ? this.error
            ? nothing
            : html`<p>${t('loading')}</p>`
          : !r.checked
            ? html`<p id="references-off">${t('references_off', { why: r.notes.join('; ') })}</p>`
            : r.missing.length === 0
              ? html`<p class="ok" id="references-ok">${t('references_none')}</p>`
              : html`<ul class="plain" id="missing-references">
                  ${r.missing.map(
                    (m) => html`<li data-kind=${m.kind} data-id=${m.id} data-entity=${m.entity_id}>
                      <span class="muted">${t(`kind_${m.kind}` as Key)}</span>
                      <strong>${m.name}</strong>
                      ${m.kind === 'flow' && m.flow ? html`<span class="muted">(${m.flow})</span>` : nothing}
                      <span class="bad">${t('missing_entity', { entity: m.entity_id })}</span>
                      <code class="muted">${m.path}</code>
                    </li>`,
                  )}
                </ul>`
      }
      ${r?.checked && r.notes.length ? html`<p class="muted">${r.notes.join('; ')}</p>` : nothing}
    </section>`;
  }
}
customElements.define('butler-references', ButlerReferences);

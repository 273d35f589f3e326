// Memory (#/memory): search, add and delete what the butler remembers; where each memory came from and whether it
// is trusted.
import { LitElement, html, nothing } from 'lit';
import { api } from '../api';
import { t, when } from '../i18n';
import { shared } from '../styles';

interface Memory {
  id: number;
  text: string;
  subject: string | null;
  trusted: boolean;
  source?: string;
  created_ts: number;
}

export class ButlerMemory extends LitElement {
  static override properties = { memories: { state: true }, message: { state: true } };
  declare memories: Memory[];
  declare message: string;
  static override styles = [shared];

  constructor() {
    super();
    this.memories = [];
    this.message = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.search();
  }

  private async search(e?: Event): Promise<void> {
    e?.preventDefault();
    const q = this.renderRoot.querySelector<HTMLInputElement>('#memory-q')?.value.trim() ?? '';
    try {
      this.memories = (await api<{ memories: Memory[] }>(`api/memories${q ? `?q=${encodeURIComponent(q)}` : ''}`)).memories;
      this.message = '';
    } catch (err) {
      this.message = t('error', { message: (err as Error).message });
    }
  }

  private async add(e: Event): Promise<void> {
    e.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('#memory-new')!;
    if (!input.value.trim()) return;
    try {
      await api('api/memories', { method: 'POST', json: { text: input.value.trim() } });
      input.value = '';
    } catch (err) {
      this.message = t('error', { message: (err as Error).message });
    }
    this.search();
  }

  private async forget(m: Memory): Promise<void> {
    await api(`api/memories/${m.id}`, { method: 'DELETE' }).catch((err: Error) => {
      this.message = t('error', { message: err.message });
    });
    this.search();
  }

  override render() {
    return html`<section class="card" aria-labelledby="memory-h">
      <h2 id="memory-h">${t('memories')}</h2>
      <form class="row" role="search" @submit=${this.search}>
        <input id="memory-q" type="search" style="flex:1" aria-label=${t('search')} placeholder=${t('search')} />
        <button type="submit">${t('search')}</button>
      </form>
      <form class="row" style="margin-top:0.5rem" @submit=${this.add}>
        <input id="memory-new" style="flex:1" aria-label=${t('remember')} placeholder=${t('remember')} />
        <button type="submit" class="secondary">${t('remember')}</button>
      </form>
      <p role="status">${this.message}</p>
      ${this.memories.length === 0 ? html`<p class="muted">${t('no_memories')}</p>` : nothing}
      <ul class="plain" id="memories">
        ${this.memories.map(
          (m) => html`<li class="row" data-memory=${m.id}>
            <span style="margin-right:auto"
              >${m.text}
              <span class="muted"
                >${m.subject ?? ''} · ${when(m.created_ts)} ${m.source ? `· ${t('from', { source: m.source })}` : ''} ·
                <span class=${m.trusted ? 'ok' : 'bad'}>${m.trusted ? t('trusted') : t('untrusted')}</span></span
              ></span
            >
            <button class="secondary" @click=${() => this.forget(m)}>${t('delete')}</button>
          </li>`,
        )}
      </ul>
    </section>`;
  }
}
customElements.define('butler-memory', ButlerMemory);

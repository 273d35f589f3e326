// Memory (#/memory): search, add, edit and delete what the butler remembers; where each memory came from (source,
// user) and whether it is trusted. An edit goes through the door like every change (memory_update).
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
  user?: string | null;
  created_ts: number;
}

export class ButlerMemory extends LitElement {
  static override properties = { memories: { state: true }, message: { state: true }, editing: { state: true } };
  declare memories: Memory[];
  declare message: string;
  declare editing: number | null;
  static override styles = [shared];

  constructor() {
    super();
    this.memories = [];
    this.message = '';
    this.editing = null;
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

  private async saveEdit(e: Event, m: Memory): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const text = form.querySelector<HTMLInputElement>('[name="text"]')!.value;
    const subject = form.querySelector<HTMLInputElement>('[name="subject"]')!.value;
    try {
      await api(`api/memories/${m.id}`, { method: 'PUT', json: { text, subject } });
      this.editing = null;
      this.message = t('saved');
      await this.search();
      this.message = t('saved');
    } catch (err) {
      this.message = t('error', { message: (err as Error).message });
    }
  }

  private renderEdit(m: Memory) {
    return html`<form class="row" style="flex:1" id="memory-edit" @submit=${(e: Event) => this.saveEdit(e, m)}>
      <input name="text" style="flex:3;min-width:10rem" .value=${m.text} aria-label=${t('memory_text')} required />
      <input name="subject" style="flex:1;min-width:6rem" .value=${m.subject ?? ''} aria-label=${t('subject')} placeholder=${t('subject')} />
      <button type="submit">${t('save')}</button>
      <button type="button" class="secondary" @click=${() => (this.editing = null)}>${t('cancel')}</button>
    </form>`;
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
            ${
              this.editing === m.id
                ? this.renderEdit(m)
                : html`<span style="margin-right:auto"
                      ><span class="text">${m.text}</span>
                      <span class="muted"
                        >${m.subject ?? ''} · ${when(m.created_ts)}
                        ${m.source ? html`· <span class="source">${t('from', { source: m.source })}</span>` : nothing}
                        ${m.user ? `· ${t('by_user', { user: m.user })}` : ''} ·
                        <span class=${m.trusted ? 'ok trust' : 'bad trust'}>${m.trusted ? t('trusted') : t('untrusted')}</span></span
                      ></span
                    >
                    <button class="secondary edit" aria-label=${t('edit_memory', { id: m.id })} @click=${() => (this.editing = m.id)}>${t('edit')}</button>
                    <button class="secondary" @click=${() => this.forget(m)}>${t('delete')}</button>`
            }
          </li>`,
        )}
      </ul>
    </section>`;
  }
}
customElements.define('butler-memory', ButlerMemory);

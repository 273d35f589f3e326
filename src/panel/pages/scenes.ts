// Scenes (#/scenes): the list with activate and delete, and a JSON editor checked by the butler on save.
import { LitElement, html, nothing } from 'lit';
import { api } from '../api';
import { t } from '../i18n';
import { shared } from '../styles';

interface Scene {
  id: string;
  name: string;
  [k: string]: unknown;
}
const TEMPLATE = {
  id: 'reading',
  name: 'Reading',
  actions: [{ action_type: 'device_turn_on', params: { device_id: 'light.living_room' } }],
};

export class ButlerScenes extends LitElement {
  static override properties = { scenes: { state: true }, text: { state: true }, editing: { state: true }, message: { state: true } };
  declare scenes: Scene[];
  declare text: string;
  declare editing: string | null;
  declare message: string;
  static override styles = [shared];

  constructor() {
    super();
    this.scenes = [];
    this.text = '';
    this.editing = null;
    this.message = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.refresh();
  }

  private async refresh(): Promise<void> {
    try {
      this.scenes = (await api<{ scenes: Scene[] }>('api/scenes')).scenes;
    } catch (err) {
      this.message = t('error', { message: (err as Error).message });
    }
  }

  private async act(fn: () => Promise<unknown>, done?: string): Promise<void> {
    try {
      await fn();
      this.message = done ?? '';
    } catch (err) {
      this.message = t('error', { message: (err as Error).message });
    }
    this.refresh();
  }

  private save(): Promise<void> {
    let body: unknown;
    try {
      body = JSON.parse(this.text);
    } catch (err) {
      this.message = t('error', { message: (err as Error).message });
      return Promise.resolve();
    }
    const id = this.editing;
    return this.act(
      () =>
        id ? api(`api/scenes/${encodeURIComponent(id)}`, { method: 'PUT', json: body }) : api('api/scenes', { method: 'POST', json: body }),
      t('saved'),
    );
  }

  override render() {
    return html`<div class="grid">
      <section class="card" aria-labelledby="scenes-h">
        <div class="row">
          <h2 id="scenes-h" style="margin-right:auto">${t('scenes')}</h2>
          <button @click=${() => ((this.editing = null), (this.text = JSON.stringify(TEMPLATE, null, 2)))}>${t('new_scene')}</button>
        </div>
        ${this.scenes.length === 0 ? html`<p class="muted">${t('no_scenes')}</p>` : nothing}
        <ul class="plain" id="scenes">
          ${this.scenes.map(
            (s) => html`<li class="row" data-scene=${s.id}>
              <strong style="margin-right:auto">${s.name}</strong>
              <button @click=${() => this.act(() => api(`api/scenes/${encodeURIComponent(s.id)}/activate`, { method: 'POST', json: {} }))}>
                ${t('run_scene')}
              </button>
              <button class="secondary" @click=${() => ((this.editing = s.id), (this.text = JSON.stringify(s, null, 2)))}>${t('edit')}</button>
              <button class="secondary" @click=${() => this.act(() => api(`api/scenes/${encodeURIComponent(s.id)}`, { method: 'DELETE' }))}>
                ${t('delete')}
              </button>
            </li>`,
          )}
        </ul>
        <p role="status">${this.message}</p>
      </section>
      ${
        this.text
          ? html`<section class="card">
            <textarea
              aria-label=${t('scenes')}
              style="width:100%;min-height:14rem;box-sizing:border-box;font-family:ui-monospace,monospace"
              .value=${this.text}
              @input=${(e: Event) => (this.text = (e.target as HTMLTextAreaElement).value)}
            ></textarea>
            <button @click=${this.save}>${t('save')}</button>
          </section>`
          : nothing
      }
    </div>`;
  }
}
customElements.define('butler-scenes', ButlerScenes);

// Devices (#/devices): Home Assistant's entities by area with state and last change, and the butler's own devices
// (cameras, IR blasters, the desk robot) as their parts report health; what exists is shown without them.
import { LitElement, html, nothing } from 'lit';
import { api } from '../api';
import { t } from '../i18n';
import { shared } from '../styles';
import './own-devices';

interface Area {
  area_id: string | null;
  name: string | null;
  entities: { entity_id: string; name: string; state: string; last_changed: string }[];
}
interface Health {
  components: Record<string, { ok: boolean; detail?: string }>;
}
const OWN = /^(camera|broadlink|dashan|frigate|openclaw):?/;

export class ButlerDevices extends LitElement {
  static override properties = { areas: { state: true }, health: { attribute: false }, error: { state: true } };
  declare areas: Area[] | null;
  declare health: Health | null;
  declare error: string;
  static override styles = [shared];

  constructor() {
    super();
    this.areas = null;
    this.health = null;
    this.error = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    api<{ areas: Area[] }>('api/panel/devices').then(
      (r) => {
        this.areas = r.areas;
      },
      (err: Error) => {
        this.error = err.message;
      },
    );
  }

  override render() {
    const own = Object.entries(this.health?.components ?? {}).filter(([n]) => OWN.test(n));
    return html`<div class="grid">
      <section class="card" aria-labelledby="own-h" id="own-devices">
        <h2 id="own-h">${t('butler_devices')}</h2>
        ${own.length === 0 ? html`<p class="muted">${t('no_butler_devices')}</p>` : nothing}
        <ul class="plain">
          ${own.map(
            ([n, c]) =>
              html`<li><span class=${c.ok ? 'ok' : 'bad'}>${c.ok ? '●' : '▲'}</span> <strong>${n}</strong> <span class="muted">${c.detail ?? ''}</span></li>`,
          )}
        </ul>
      </section>
      ${own
        .filter(([n, c]) => c.ok && n.startsWith('camera:'))
        .map(([n]) => html`<butler-camera-card .camera=${n.slice('camera:'.length)}></butler-camera-card>`)}
      ${own.some(([n, c]) => c.ok && n.startsWith('broadlink')) ? html`<butler-ir-card></butler-ir-card>` : nothing}
      ${own.some(([n, c]) => c.ok && n === 'dashan') ? html`<butler-dashan-card></butler-dashan-card>` : nothing}
      ${this.error ? html`<p class="bad">${t('error', { message: this.error })}</p>` : nothing}
      ${this.areas === null && !this.error ? html`<p>${t('loading')}</p>` : nothing}
      ${(this.areas ?? []).map(
        (a) => html`<section class="card area" data-area=${a.area_id ?? ''}>
          <h2>${a.name ?? t('area_none')} <span class="muted">${a.entities.length}</span></h2>
          <ul class="plain">
            ${a.entities.map(
              (e) => html`<li class="row" data-entity=${e.entity_id}>
                <span style="margin-right:auto">${e.name} <span class="muted">${e.entity_id}</span></span>
                <strong>${e.state}</strong>
                <span class="muted">${t('last_changed', { time: new Date(e.last_changed).toLocaleString(document.documentElement.lang) })}</span>
              </li>`,
            )}
          </ul>
        </section>`,
      )}
    </div>`;
  }
}
customElements.define('butler-devices', ButlerDevices);

import { LitElement, html } from 'lit';
import { t } from '../i18n';
import { shared } from '../styles';

export class ButlerMemory extends LitElement {
  static override styles = [shared];
  override render() {
    return html`<section class="card"><h2>${t('memory')}</h2></section>`;
  }
}
customElements.define('butler-memory', ButlerMemory);

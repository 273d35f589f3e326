import { LitElement, html } from 'lit';
import { t } from '../i18n';
import { shared } from '../styles';

export class ButlerGoals extends LitElement {
  static override styles = [shared];
  override render() {
    return html`<section class="card"><h2>${t('goals')}</h2></section>`;
  }
}
customElements.define('butler-goals', ButlerGoals);

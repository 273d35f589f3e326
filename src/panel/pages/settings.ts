// Settings (#/settings): the safety posture at a glance and the options in effect (secrets hidden), with links to the
// add-on's configuration (inside Home Assistant) and to the flow editor.
import { LitElement, html, nothing } from 'lit';
import { api } from '../api';
import { t, type Key } from '../i18n';
import { shared } from '../styles';

interface Settings {
  mode: string;
  privacy: boolean;
  mqtt_trusted: boolean;
  exec_allowlist: string[];
  script_allowlist: string[];
  trusted_sources: string[];
  sensitive: string[];
  dangerous: string[];
  confirmations: {
    sources: { key: string; source: string; trusted: boolean }[];
    rows: { action: string; example: string | null; risk: string; verdicts: Record<string, { verdict: string; reason: string }> }[];
  };
  options: Record<string, unknown>;
}

const MARK: Record<string, string> = { allow: '✓', confirm: '?', deny: '✗' };

export class ButlerSettings extends LitElement {
  static override properties = { settings: { state: true }, error: { state: true }, backupMessage: { state: true } };
  declare settings: Settings | null;
  declare error: string;
  declare backupMessage: string;
  static override styles = [shared];

  constructor() {
    super();
    this.settings = null;
    this.error = '';
    this.backupMessage = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    api<Settings>('api/panel/settings').then(
      (s) => {
        this.settings = s;
      },
      (err: Error) => {
        this.error = err.message;
      },
    );
  }

  private async backup(): Promise<void> {
    try {
      const r = await api<{ backup: { file: string } }>('api/backup', { method: 'POST', json: {} });
      this.backupMessage = t('backed_up', { file: r.backup.file });
    } catch (err) {
      this.backupMessage = t('error', { message: (err as Error).message });
    }
  }

  override render() {
    const s = this.settings;
    if (!s) return html`<p>${this.error ? t('error', { message: this.error }) : t('loading')}</p>`;
    const list = (xs: string[]) => (xs.length ? xs.map((x) => html`<code>${x}</code> `) : t('none'));
    const ingress = location.pathname.includes('/api/hassio_ingress/');
    return html`<div class="grid">
      <section class="card" aria-labelledby="safety-h" id="safety">
        <h2 id="safety-h">${t('safety')}</h2>
        <dl>
          <dt>${t('mode')}</dt>
          <dd>${t(`mode_${s.mode}` as Key)}</dd>
          <dt>${t('privacy')}</dt>
          <dd>${s.privacy ? t('yes') : t('no')}</dd>
          <dt>${t('needs_confirmation')}</dt>
          <dd>${list(s.sensitive)}</dd>
          <dt>${t('dangerous')}</dt>
          <dd>${list(s.dangerous)}</dd>
          <dt>${t('trusted_sources')}</dt>
          <dd>${list(s.trusted_sources)}</dd>
          <dt>${t('mqtt_trusted')}</dt>
          <dd>${s.mqtt_trusted ? t('yes') : t('no')}</dd>
          <dt>${t('exec_allowlist')}</dt>
          <dd>${list(s.exec_allowlist)}</dd>
          <dt>${t('script_allowlist')}</dt>
          <dd>${list(s.script_allowlist)}</dd>
        </dl>
      </section>
      <section class="card" aria-labelledby="links-h">
        <h2 id="links-h">${t('links')}</h2>
        <ul class="plain">
          <li><a href="flows/" target="_blank" rel="noopener">${t('flow_editor')} ↗</a></li>
          ${ingress ? html`<li><a href="/hassio/dashboard" target="_top">${t('addon_config')} (Smart Butler)</a></li>` : nothing}
        </ul>
      </section>
      <section class="card" aria-labelledby="confirm-h" style="grid-column:1/-1">
        <h2 id="confirm-h">${t('confirm_table')}</h2>
        <p class="muted">${t('confirm_table_hint')}</p>
        <div style="overflow-x:auto;position:relative">
          <table id="confirm-table" style="border-collapse:collapse">
            <thead>
              <tr>
                <th scope="col" style="text-align:left">${t('action')}</th>
                ${s.confirmations.sources.map((src) => html`<th scope="col" data-source=${src.key} style="font-weight:500;padding:0 0.4rem">${t(`src_${src.key}` as Key)}</th>`)}
              </tr>
            </thead>
            <tbody>
              ${s.confirmations.rows.map(
                (r) => html`<tr data-action=${r.action} data-example=${r.example ?? ''}>
                  <th scope="row" style="text-align:left;font-weight:400;padding-right:0.6rem">
                    <code>${r.action}</code>${r.example ? html` <span class="muted">${r.example}</span>` : nothing}
                    <span class=${r.risk === 'dangerous' ? 'bad' : 'muted'}>${r.risk}</span>
                  </th>
                  ${s.confirmations.sources.map((src) => {
                    const v = r.verdicts[src.key];
                    return html`<td data-source=${src.key} data-verdict=${v.verdict} title=${v.reason} style="text-align:center"
                      class=${v.verdict === 'allow' ? 'ok' : v.verdict === 'deny' ? 'bad' : ''}>
                      <span aria-hidden="true">${MARK[v.verdict]}</span><span class="sr-only">${t(`verdict_${v.verdict}` as Key)}: ${v.reason}</span>
                    </td>`;
                  })}
                </tr>`,
              )}
            </tbody>
          </table>
        </div>
        <p class="muted">✓ ${t('verdict_allow')} · ? ${t('verdict_confirm')} · ✗ ${t('verdict_deny')}</p>
      </section>
      <section class="card" aria-labelledby="backups-h" id="backups">
        <h2 id="backups-h">${t('backups')}</h2>
        <p><a id="export" href="api/export" download>${t('export_download')}</a></p>
        <button id="backup-now" @click=${() => this.backup()}>${t('backup_now')}</button>
        <p role="status" id="backup-message">${this.backupMessage}</p>
      </section>
      <section class="card" aria-labelledby="options-h" style="grid-column:1/-1">
        <h2 id="options-h">${t('options')}</h2>
        <p class="muted">${t('secrets_hidden')}</p>
        <table id="options">
          ${Object.entries(s.options).map(
            ([k, v]) => html`<tr>
              <th scope="row" style="text-align:left;padding-right:1rem">${k}</th>
              <td><code>${typeof v === 'string' ? v : JSON.stringify(v)}</code></td>
            </tr>`,
          )}
        </table>
      </section>
    </div>`;
  }
}
customElements.define('butler-settings', ButlerSettings);

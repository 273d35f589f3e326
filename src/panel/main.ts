// The sidebar panel's shell: header (health, mode, privacy), navigation and hash routes (#/, #/timeline, …) so every
// page works under Home Assistant's ingress prefix. Pages other than Home load on first visit.
import { LitElement, css, html, nothing } from 'lit';
import { api, stream } from './api';
import { language, t, type Key } from './i18n';
import { shared } from './styles';
import { adoptHomeAssistantTheme } from './theme';
import './pages/home';

interface Health {
  status: string;
  components: Record<string, { ok: boolean; detail?: string }>;
}

const PAGES: { route: string; key: Key; tag: string; load?: () => Promise<unknown> }[] = [
  { route: '', key: 'home', tag: 'butler-home' },
  { route: 'timeline', key: 'timeline', tag: 'butler-timeline', load: () => import('./pages/timeline') },
  { route: 'devices', key: 'devices', tag: 'butler-devices', load: () => import('./pages/devices') },
  { route: 'rules', key: 'rules', tag: 'butler-rules', load: () => import('./pages/rules') },
  { route: 'scenes', key: 'scenes', tag: 'butler-scenes', load: () => import('./pages/scenes') },
  { route: 'goals', key: 'goals', tag: 'butler-goals', load: () => import('./pages/goals') },
  { route: 'memory', key: 'memory', tag: 'butler-memory', load: () => import('./pages/memory') },
  { route: 'usage', key: 'usage', tag: 'butler-usage', load: () => import('./pages/usage') },
  { route: 'settings', key: 'settings', tag: 'butler-settings', load: () => import('./pages/settings') },
];

function currentRoute(): string {
  return location.hash.replace(/^#\/?/, '').split('?')[0];
}

export class ButlerApp extends LitElement {
  static override properties = {
    route: { state: true },
    health: { state: true },
    mode: { state: true },
    privacy: { state: true },
    loaded: { state: true },
  };
  declare route: string;
  declare health: Health | null;
  declare mode: string;
  declare privacy: boolean;
  declare loaded: number;
  private timer = 0;

  static override styles = [
    shared,
    css`
      :host {
        min-height: 100vh;
        background: var(--primary-background-color);
      }
      header {
        display: flex;
        gap: 0.8rem;
        align-items: center;
        padding: 0.6rem 1rem;
        background: var(--card-background-color);
        border-bottom: 1px solid var(--divider-color);
        flex-wrap: wrap;
      }
      h1 {
        font-size: 1.2rem;
        font-weight: 500;
        margin: 0 auto 0 0;
      }
      .pill {
        border-radius: 1rem;
        padding: 0.1rem 0.6rem;
        background: var(--secondary-background-color);
        font-size: 0.85rem;
      }
      .pill.ok {
        background: var(--success-color);
        color: #fff;
      }
      .pill.degraded,
      .pill.starting {
        background: var(--warning-color);
        color: #fff;
      }
      .pill.down {
        background: var(--error-color);
        color: #fff;
      }
      nav ul {
        display: flex;
        gap: 0.2rem;
        list-style: none;
        margin: 0;
        padding: 0 0.6rem;
        overflow-x: auto;
        background: var(--card-background-color);
        border-bottom: 1px solid var(--divider-color);
      }
      nav a {
        display: block;
        padding: 0.55rem 0.7rem;
        color: var(--secondary-text-color);
        text-decoration: none;
        white-space: nowrap;
        border-bottom: 2px solid transparent;
      }
      nav a[aria-current='page'] {
        color: var(--primary-color);
        border-bottom-color: var(--primary-color);
      }
      main {
        padding: 1rem;
        max-width: 1400px;
        margin: 0 auto;
      }
      label {
        display: inline-flex;
        gap: 0.3rem;
        align-items: center;
      }
      a.ext {
        color: var(--primary-color);
      }
    `,
  ];

  constructor() {
    super();
    this.route = currentRoute();
    this.health = null;
    this.mode = 'home';
    this.privacy = false;
    this.loaded = 0;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    adoptHomeAssistantTheme();
    window.addEventListener('hashchange', this.onHash);
    this.onHash();
    this.refreshHealth();
    this.refreshMode();
    this.timer = window.setInterval(() => this.refreshHealth(), 10_000);
    stream.on((kind) => {
      if (kind === 'mode') this.refreshMode();
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHash);
    clearInterval(this.timer);
  }

  private onHash = async () => {
    this.route = currentRoute();
    const page = PAGES.find((p) => p.route === this.route);
    if (page?.load) {
      await page.load();
      this.loaded++;
    }
  };

  async refreshHealth(): Promise<void> {
    try {
      this.health = await api<Health>('api/health');
    } catch {
      // A 503 (down) still carries the report; anything else shows as unknown.
      this.health = null;
    }
    this.dispatchEvent(new CustomEvent('health', { detail: this.health, bubbles: true, composed: true }));
  }

  private async refreshMode(): Promise<void> {
    try {
      const m = await api<{ mode: string; privacy: boolean }>('api/mode');
      this.mode = m.mode;
      this.privacy = m.privacy;
    } catch {
      /* shown by the health pill */
    }
  }

  private async setMode(body: { mode?: string; privacy?: boolean }): Promise<void> {
    try {
      await api('api/mode', { method: 'PUT', json: body });
    } catch (err) {
      alert((err as Error).message);
    }
    this.refreshMode();
  }

  override render() {
    const h = this.health;
    const bad = h ? Object.entries(h.components).filter(([, c]) => !c.ok) : [];
    const status = h?.status ?? 'unknown';
    const label = h ? (t(`health_${status}` as Key) ?? status) : '…';
    const page = PAGES.find((p) => p.route === this.route) ?? PAGES[0];
    return html`
      <header>
        <h1>Smart Butler</h1>
        <span
          id="health"
          class="pill ${status}"
          role="status"
          title=${
            h
              ? Object.entries(h.components)
                  .map(([n, c]) => `${n}: ${c.detail ?? (c.ok ? 'ok' : '')}`)
                  .join('\n')
              : ''
          }
          >${bad.length ? `${label}: ${bad.map(([n]) => n).join(', ')}` : label}</span
        >
        <label
          >${t('mode')}
          <select id="mode" .value=${this.mode} @change=${(e: Event) => this.setMode({ mode: (e.target as HTMLSelectElement).value })}>
            ${['home', 'away', 'night'].map((m) => html`<option value=${m} ?selected=${m === this.mode}>${t(`mode_${m}` as Key)}</option>`)}
          </select></label
        >
        <label
          ><input
            type="checkbox"
            id="privacy"
            .checked=${this.privacy}
            @change=${(e: Event) => this.setMode({ privacy: (e.target as HTMLInputElement).checked })}
          />
          ${t('privacy')}</label
        >
        <a class="ext" href="flows/" target="_blank" rel="noopener">${t('flows')} ↗</a>
      </header>
      <nav aria-label=${t('navigation')}>
        <ul>
          ${PAGES.map(
            (p) =>
              html`<li><a href="#/${p.route}" aria-current=${p === page ? 'page' : nothing} data-route=${p.route || 'home'}>${t(p.key)}</a></li>`,
          )}
        </ul>
      </nav>
      <main id="page" lang=${language === 'zh' ? 'zh-CN' : 'en'}>${this.renderPage(page)}</main>
    `;
  }

  private readonly pages = new Map<string, HTMLElement & { health?: Health | null }>();

  /** One element per page, kept across visits so a page keeps its state (and its scroll) while you look elsewhere. */
  private renderPage(page: (typeof PAGES)[number]) {
    if (page.load && !customElements.get(page.tag)) return html`<p>${t('loading')}</p>`;
    let el = this.pages.get(page.tag);
    if (!el) {
      el = document.createElement(page.tag);
      this.pages.set(page.tag, el);
    }
    el.health = this.health;
    return el;
  }
}
customElements.define('butler-app', ButlerApp);

// The butler's own devices on #/devices: a camera's snapshot, PTZ pad and presets; the IR code library with send and
// learn; the DaShan robot's state and expression. Every button is an action through the one door (POST api/command),
// exactly as a rule or the planner would run it — no device is reached any other way. The choices (expressions,
// states) come from the actions' own parameter schemas (GET api/actions).
import { LitElement, css, html, nothing } from 'lit';
import { api } from '../api';
import { t } from '../i18n';
import { shared } from '../styles';

interface Result {
  status: string;
  output: unknown;
}

/** One action through the door; resolves with its output, rejects with the door's own words. */
export async function runAction<T = Record<string, unknown>>(action_type: string, params: Record<string, unknown>): Promise<T> {
  const r = await api<{ results: Result[] }>('api/command', { method: 'POST', json: { actions: [{ action_type, params }] } });
  const res = r.results[0];
  if (!res) throw new Error(`${action_type}: no result`);
  if (res.status === 'ok') return res.output as T;
  if (res.status === 'pending_confirmation') throw new Error(t('waiting_confirmation', { what: action_type }));
  const out = res.output as { error?: string; reason?: string } | null;
  throw new Error(`${action_type}: ${out?.error ?? out?.reason ?? res.status}`);
}

abstract class DeviceCard extends LitElement {
  static override properties = { message: { state: true }, busy: { state: true } };
  declare message: string;
  declare busy: boolean;
  static override styles = [
    shared,
    css`
      .pad {
        display: grid;
        grid-template-columns: repeat(3, 2.8rem);
        gap: 0.3rem;
      }
      .pad button {
        padding: 0.4rem 0;
      }
      img {
        max-width: 100%;
        border-radius: 4px;
        display: block;
      }
    `,
  ];

  constructor() {
    super();
    this.message = '';
    this.busy = false;
  }

  protected async act<T>(action: string, params: Record<string, unknown>, done?: (out: T) => string): Promise<T | null> {
    this.busy = true;
    try {
      const out = await runAction<T>(action, params);
      this.message = done ? done(out) : t('done', { what: action });
      return out;
    } catch (err) {
      this.message = t('error', { message: (err as Error).message });
      return null;
    } finally {
      this.busy = false;
    }
  }

  protected status() {
    return html`<p role="status" class="status">${this.message}</p>`;
  }
}

export class ButlerCameraCard extends DeviceCard {
  static override properties = { ...DeviceCard.properties, camera: {}, presets: { state: true }, snapshot: { state: true } };
  declare camera: string;
  declare presets: { name: string; token: string }[];
  declare snapshot: string;

  constructor() {
    super();
    this.camera = '';
    this.presets = [];
    this.snapshot = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.loadPresets();
  }

  private async loadPresets(): Promise<void> {
    try {
      this.presets = (await runAction<{ presets: { name: string; token: string }[] }>('ptz_list_presets', { camera: this.camera })).presets;
    } catch (err) {
      this.message = t('error', { message: (err as Error).message });
    }
  }

  private move(pan: number, tilt: number, zoom = 0) {
    return this.act('ptz_move', { camera: this.camera, pan, tilt, zoom, duration_s: 0.5 });
  }

  private async savePreset(e: Event): Promise<void> {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).querySelector('input')!;
    if (!input.value.trim()) return;
    if (await this.act('ptz_set_preset', { camera: this.camera, name: input.value.trim() })) {
      input.value = '';
      await this.loadPresets();
    }
  }

  override render() {
    const b = this.busy;
    return html`<section class="card camera" data-camera=${this.camera} aria-labelledby="cam-${this.camera}">
      <h2 id="cam-${this.camera}">${t('camera', { name: this.camera })}</h2>
      ${this.snapshot ? html`<img class="snapshot" src=${this.snapshot} alt=${t('camera', { name: this.camera })} />` : nothing}
      <div class="row">
        <button
          class="take-snapshot"
          ?disabled=${b}
          @click=${() => this.act<{ url: string }>('snapshot', { camera: this.camera }).then((o) => o && (this.snapshot = o.url))}
        >
          ${t('take_snapshot')}
        </button>
      </div>
      <h3>${t('ptz_pad')}</h3>
      <div class="pad" role="group" aria-label=${t('ptz_pad')}>
        <span></span><button data-dir="up" aria-label=${t('ptz_up')} ?disabled=${b} @click=${() => this.move(0, 0.5)}>▲</button><span></span>
        <button data-dir="left" aria-label=${t('ptz_left')} ?disabled=${b} @click=${() => this.move(-0.5, 0)}>◀</button>
        <button data-dir="stop" aria-label=${t('ptz_stop')} class="secondary" @click=${() => this.act('ptz_stop', { camera: this.camera })}>■</button>
        <button data-dir="right" aria-label=${t('ptz_right')} ?disabled=${b} @click=${() => this.move(0.5, 0)}>▶</button>
        <button data-dir="zoom-out" aria-label=${t('zoom_out')} class="secondary" ?disabled=${b} @click=${() => this.move(0, 0, -0.5)}>−</button>
        <button data-dir="down" aria-label=${t('ptz_down')} ?disabled=${b} @click=${() => this.move(0, -0.5)}>▼</button>
        <button data-dir="zoom-in" aria-label=${t('zoom_in')} class="secondary" ?disabled=${b} @click=${() => this.move(0, 0, 0.5)}>+</button>
      </div>
      <h3>${t('presets')}</h3>
      <div class="row presets">
        ${this.presets.map(
          (p) =>
            html`<button class="secondary preset" data-preset=${p.name} aria-label=${t('go_to', { name: p.name })} ?disabled=${b}
              @click=${() => this.act('ptz_goto_preset', { camera: this.camera, preset: p.name })}>${p.name}</button>`,
        )}
      </div>
      <form class="row save-preset" @submit=${this.savePreset}>
        <input aria-label=${t('save_preset')} placeholder=${t('save_preset')} maxlength="64" style="flex:1" />
        <button type="submit" class="secondary" ?disabled=${b}>${t('save')}</button>
      </form>
      ${this.status()}
    </section>`;
  }
}
customElements.define('butler-camera-card', ButlerCameraCard);

export class ButlerIrCard extends DeviceCard {
  static override properties = { ...DeviceCard.properties, devices: { state: true } };
  declare devices: Record<string, string[]>;

  constructor() {
    super();
    this.devices = {};
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.load();
  }

  private async load(): Promise<void> {
    let out: { devices: Record<string, string[] | { commands?: string[] }> };
    try {
      out = await runAction('ir_list_commands', {});
    } catch (err) {
      this.message = t('error', { message: (err as Error).message });
      return;
    }
    const devices: Record<string, string[]> = {};
    for (const [d, v] of Object.entries(out.devices)) devices[d] = Array.isArray(v) ? v : (v.commands ?? []);
    this.devices = devices;
  }

  private async learn(e: Event): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const device = form.querySelector<HTMLInputElement>('[name="device"]')!.value.trim();
    const command = form.querySelector<HTMLInputElement>('[name="command"]')!.value.trim();
    if (!device || !command) return;
    this.message = t('learning');
    const out = await this.act<{ learned: boolean; reason?: string }>(
      'ir_learn_command',
      { device_id: device, command_name: command },
      (o) => (o.learned ? t('learned', { device, command }) : t('not_learned', { why: o.reason ?? '' })),
    );
    if (out?.learned) await this.load();
  }

  override render() {
    const entries = Object.entries(this.devices);
    return html`<section class="card ir" aria-labelledby="ir-h">
      <h2 id="ir-h">${t('ir_codes')}</h2>
      ${entries.length === 0 ? html`<p class="muted">${t('no_codes')}</p>` : nothing}
      <ul class="plain" id="ir-codes">
        ${entries.map(
          ([device, commands]) => html`<li data-device=${device}>
            <strong>${device}</strong>
            <div class="row">
              ${commands.map(
                (c) =>
                  html`<button class="secondary send" data-command=${c} aria-label=${t('send_code', { command: `${device}/${c}` })} ?disabled=${this.busy}
                    @click=${() => this.act('ir_send_command', { device_id: device, command: c })}>${c}</button>`,
              )}
            </div>
          </li>`,
        )}
      </ul>
      <form class="row learn" @submit=${this.learn}>
        <input name="device" aria-label=${t('ir_device')} placeholder=${t('ir_device')} maxlength="64" style="flex:1;min-width:6rem" />
        <input name="command" aria-label=${t('ir_command')} placeholder=${t('ir_command')} maxlength="64" style="flex:1;min-width:6rem" />
        <button type="submit" ?disabled=${this.busy}>${t('learn')}</button>
      </form>
      ${this.status()}
    </section>`;
  }
}
customElements.define('butler-ir-card', ButlerIrCard);

export class ButlerDashanCard extends DeviceCard {
  static override properties = { ...DeviceCard.properties, states: { state: true }, expressions: { state: true } };
  declare states: string[];
  declare expressions: string[];

  constructor() {
    super();
    this.states = [];
    this.expressions = [];
  }

  override connectedCallback(): void {
    super.connectedCallback();
    api<{ actions: { name: string; params: { properties?: Record<string, { enum?: string[] }> } }[] }>('api/actions').then(
      (r) => {
        const choices = (name: string, prop: string) => r.actions.find((a) => a.name === name)?.params.properties?.[prop]?.enum ?? [];
        this.states = choices('dashan_state', 'state');
        this.expressions = choices('dashan_expression', 'expression');
      },
      (err: Error) => {
        this.message = t('error', { message: err.message });
      },
    );
  }

  private pick(e: Event, action: string, param: string): void {
    e.preventDefault();
    const value = (e.target as HTMLFormElement).querySelector('select')!.value;
    this.act(action, { [param]: value }, () => t('done', { what: `${action} ${value}` }));
  }

  override render() {
    return html`<section class="card dashan" aria-labelledby="dashan-h">
      <h2 id="dashan-h">${t('dashan')}</h2>
      <form class="row" id="dashan-state" @submit=${(e: Event) => this.pick(e, 'dashan_state', 'state')}>
        <label>${t('robot_state')} <select>${this.states.map((s) => html`<option value=${s}>${s}</option>`)}</select></label>
        <button type="submit" ?disabled=${this.busy}>${t('set')}</button>
      </form>
      <form class="row" id="dashan-expression" @submit=${(e: Event) => this.pick(e, 'dashan_expression', 'expression')}>
        <label>${t('expression')} <select>${this.expressions.map((s) => html`<option value=${s}>${s}</option>`)}</select></label>
        <button type="submit" ?disabled=${this.busy}>${t('set')}</button>
      </form>
      ${this.status()}
    </section>`;
  }
}
customElements.define('butler-dashan-card', ButlerDashanCard);

// Home mode (home/away/night) and privacy mode: persisted, announced on the bus.
import type { Bus } from '../bus/bus';
import type { KeyValueStore } from '../store/kv';
import type { HomeMode } from '../types';

export const HOME_MODES: HomeMode[] = ['home', 'away', 'night'];

export class ModeState {
  private current: { mode: HomeMode; privacy: boolean };

  constructor(
    private readonly kv: KeyValueStore,
    private readonly bus: Bus,
    initial: HomeMode,
  ) {
    this.current = { mode: kv.get<HomeMode>('home_mode', initial), privacy: kv.get<boolean>('privacy_mode', false) };
  }

  get mode(): HomeMode {
    return this.current.mode;
  }

  get privacy(): boolean {
    return this.current.privacy;
  }

  setMode(mode: HomeMode): void {
    if (!HOME_MODES.includes(mode)) throw new Error(`unknown home mode "${mode}" (one of ${HOME_MODES.join(', ')})`);
    if (mode === this.current.mode) return;
    this.current = { ...this.current, mode };
    this.kv.set('home_mode', mode);
    this.bus.emit('mode', { ...this.current });
  }

  setPrivacy(enabled: boolean): void {
    if (enabled === this.current.privacy) return;
    this.current = { ...this.current, privacy: enabled };
    this.kv.set('privacy_mode', enabled);
    this.bus.emit('mode', { ...this.current });
  }
}

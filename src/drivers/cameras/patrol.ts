// PTZ patrols: a camera visits its presets in turn, dwelling at each, for a number of rounds or until stopped. The
// patrol's place (round, step) is kept in the key-value store after every step, so a restart resumes it where it was;
// ptz_stop or privacy mode ends it. A camera that drops out mid-patrol keeps the patrol: the step is retried after the
// dwell time, and the patrol goes on once the camera is back.
import type { Logger } from '../../log';

export interface PatrolState {
  camera: string;
  presets: { token: string; name: string }[];
  dwell_s: number;
  /** null: until stopped. */
  rounds: number | null;
  round: number;
  step: number;
  started_ts: number;
}

export interface PatrolHost {
  /** Persistent small values (the butler's key-value store). */
  kv: { get<T>(key: string, fallback: T): T; set(key: string, value: unknown): void };
  privacy(): boolean;
  goto(camera: string, token: string): Promise<void>;
  ended(state: PatrolState, why: 'finished' | 'cancelled' | 'privacy'): void;
  log: Logger;
}

const key = (camera: string) => `camera_patrol:${camera}`;

export class Patrols {
  private readonly running = new Map<string, { state: PatrolState; timer: NodeJS.Timeout | null; stopped: boolean }>();
  failures = 0;

  constructor(private readonly host: PatrolHost) {}

  /** Resumes the patrols kept for these cameras (after a restart). */
  resume(cameras: string[]): string[] {
    const resumed: string[] = [];
    for (const camera of cameras) {
      const state = this.host.kv.get<PatrolState | null>(key(camera), null);
      if (state && Array.isArray(state.presets) && state.presets.length > 0) {
        this.launch(state);
        resumed.push(camera);
      }
    }
    return resumed;
  }

  start(state: PatrolState): void {
    this.cancel(state.camera, false);
    this.launch(state);
  }

  /** Ends a camera's patrol; answers whether one was running. */
  cancel(camera: string, announce = true): boolean {
    const p = this.running.get(camera);
    if (!p) return false;
    p.stopped = true;
    if (p.timer) clearTimeout(p.timer);
    this.running.delete(camera);
    this.host.kv.set(key(camera), null);
    if (announce) this.host.ended(p.state, 'cancelled');
    return true;
  }

  get(camera: string): PatrolState | null {
    return this.running.get(camera)?.state ?? null;
  }

  /** Stops the timers without forgetting the patrols (the butler is stopping; they resume at the next start). */
  suspend(): void {
    for (const p of this.running.values()) {
      p.stopped = true;
      if (p.timer) clearTimeout(p.timer);
    }
    this.running.clear();
  }

  private launch(state: PatrolState): void {
    const entry = { state, timer: null as NodeJS.Timeout | null, stopped: false };
    this.running.set(state.camera, entry);
    this.host.kv.set(key(state.camera), state);
    const step = async () => {
      if (entry.stopped) return;
      if (this.host.privacy()) {
        this.running.delete(state.camera);
        this.host.kv.set(key(state.camera), null);
        this.host.ended(state, 'privacy');
        return;
      }
      const preset = state.presets[state.step];
      try {
        await this.host.goto(state.camera, preset.token);
        if (entry.stopped) return;
        state.step++;
        if (state.step >= state.presets.length) {
          state.step = 0;
          state.round++;
        }
        if (state.rounds !== null && state.round >= state.rounds) {
          this.running.delete(state.camera);
          this.host.kv.set(key(state.camera), null);
          this.host.ended(state, 'finished');
          return;
        }
        this.host.kv.set(key(state.camera), state);
      } catch (err) {
        // The camera is away: the same step again after the dwell time.
        this.failures++;
        this.host.log.warn({ camera: state.camera, preset: preset.name, err: (err as Error).message }, 'patrol step failed; retrying');
      }
      if (entry.stopped) return;
      entry.timer = setTimeout(() => void step(), state.dwell_s * 1000);
    };
    void step();
  }
}

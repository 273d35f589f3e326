// The one contract every piece of the butler that starts and stops follows, and the runner that starts them in order,
// reports their health and stops them in reverse. A part receives only the host it declares (never the whole butler).
import type { Logger } from '../log';
import { redactUrl } from '../util/redact';

export interface ComponentHealth {
  ok: boolean;
  detail: string;
}

export type MetricSample = [labels: Record<string, string> | null, value: number];
export type MetricFamily = [name: string, { type: 'counter' | 'gauge'; help: string; samples: MetricSample[] }];

export interface Part<Host = void> {
  /** Health component and log name: "store", "mqtt", "flows", "camera:porch" … */
  readonly name: string;
  /** An essential part that fails stops the start; any other degrades health and is named there. */
  readonly essential?: boolean;
  /** Without a vital part the butler serves nothing: its component not ok makes the overall status "down". */
  readonly vital?: boolean;
  start(host: Host): Promise<void> | void;
  stop(): Promise<void> | void;
  /** One component (reported under the part's name) or several (a driver with one component per device). */
  health?(): ComponentHealth | Record<string, ComponentHealth>;
  metrics?(): MetricFamily[];
}

/**
 * A mistake the person starting the butler must fix (a port they chose is taken): it stops the start whatever part
 * it comes from, like an invalid option does.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

export type OverallStatus = 'starting' | 'ok' | 'degraded' | 'down' | 'stopping';

export interface HealthReport {
  status: OverallStatus;
  components: Record<string, ComponentHealth>;
}

interface Entry {
  part: Part<never>;
  state: 'started' | 'failed';
  error?: string;
}

export class PartRunner {
  private readonly entries: Entry[] = [];
  private phase: 'starting' | 'running' | 'stopping' | 'stopped' = 'starting';

  constructor(private readonly log: Logger) {}

  /** Starts `part` with `host`; returns the part. A non-essential part that throws is kept, failed, in health. */
  async start<H, P extends Part<H>>(part: P, host: H): Promise<P> {
    if (this.phase !== 'starting') throw new Error(`cannot start ${part.name}: the butler is ${this.phase}`);
    const entry: Entry = { part: part as unknown as Part<never>, state: 'started' };
    this.entries.push(entry);
    try {
      await part.start(host);
    } catch (err) {
      if (part.essential || err instanceof StartupError) throw err;
      entry.state = 'failed';
      entry.error = err instanceof Error ? err.message : String(err);
      this.log.error({ part: part.name, err: entry.error }, 'part failed to start: the butler goes on without it');
    }
    return part;
  }

  /** Every part has started (or failed and been noted): health stops answering "starting". */
  ready(): void {
    if (this.phase === 'starting') this.phase = 'running';
  }

  get started(): boolean {
    return this.phase === 'running';
  }

  health(): HealthReport {
    const components: Record<string, ComponentHealth> = {};
    let vitalDown = false;
    for (const e of this.entries) {
      const name = e.part.name;
      if (e.state === 'failed') {
        components[name] = { ok: false, detail: `failed to start: ${e.error}` };
        continue;
      }
      if (!e.part.health) continue;
      try {
        const h = redactHealth(e.part.health());
        if (isComponent(h)) {
          components[name] = h;
          if (!h.ok && e.part.vital) vitalDown = true;
        } else {
          Object.assign(components, h);
          // A vital part with several components is down when the one under its own name is.
          if (e.part.vital && h[name] && !h[name].ok) vitalDown = true;
        }
      } catch (err) {
        components[name] = { ok: false, detail: (err as Error).message };
      }
    }
    const bad = Object.values(components).some((c) => !c.ok);
    const status: OverallStatus =
      this.phase === 'starting' ? 'starting' : this.phase !== 'running' ? 'stopping' : vitalDown ? 'down' : bad ? 'degraded' : 'ok';
    return { status, components };
  }

  metrics(): MetricFamily[] {
    return this.entries.filter((e) => e.state === 'started' && e.part.metrics).flatMap((e) => e.part.metrics!());
  }

  /** Stops every part that started, newest first; one that fails to stop does not keep the others running. */
  async stop(): Promise<void> {
    if (this.phase === 'stopping' || this.phase === 'stopped') return;
    this.phase = 'stopping';
    for (const e of [...this.entries].reverse()) {
      try {
        await e.part.stop();
      } catch (err) {
        this.log.warn({ err, part: e.part.name }, 'stopping failed');
      }
    }
    this.phase = 'stopped';
  }
}

/** Health details never carry the credentials of a URL a part mentions. */
function redactHealth(h: ComponentHealth | Record<string, ComponentHealth>): ComponentHealth | Record<string, ComponentHealth> {
  if (isComponent(h)) return { ...h, detail: redactUrl(h.detail) };
  return Object.fromEntries(Object.entries(h).map(([k, c]) => [k, { ...c, detail: redactUrl(c.detail) }]));
}

function isComponent(h: ComponentHealth | Record<string, ComponentHealth>): h is ComponentHealth {
  return typeof (h as ComponentHealth).ok === 'boolean' && typeof (h as ComponentHealth).detail === 'string';
}

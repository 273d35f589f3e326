// Frigate detections into the flows: the butler events frigate.review (an alert or detection) or frigate.object (one
// tracked object), filtered by camera, label, zone, severity, change and, optionally, the home mode ("only at night").
// Every list is comma-separated with `*` globs; an empty list lets everything through.
import { globList } from '../../src/flows/match';
import { defineNode } from '../lib/node';
import { ConfigError, clock, LISTENING, short, type NodeDef } from '../lib/red';

interface Config extends NodeDef {
  kind: 'review' | 'object';
  cameras: string;
  labels: string;
  zones: string;
  severity: 'any' | 'alert' | 'detection';
  changes: string;
  mode: 'any' | 'home' | 'away' | 'night';
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** What a Frigate payload says about itself, for both kinds and every accepted version. */
function facts(kind: Config['kind'], p: Record<string, unknown>) {
  if (kind === 'object')
    return {
      camera: String(p.camera ?? ''),
      labels: [String(p.label ?? '')],
      zones: [...new Set([...strings(p.current_zones), ...strings(p.entered_zones)])],
      severity: null,
      change: String(p.type ?? ''),
    };
  const data = (p.data && typeof p.data === 'object' ? p.data : {}) as Record<string, unknown>;
  return {
    camera: String(p.camera ?? ''),
    labels: strings(data.objects).map((l) => l.replace(/-verified$/, '')),
    zones: strings(data.zones),
    severity: typeof p.severity === 'string' ? p.severity : null,
    change: String(p.change ?? ''),
  };
}

export = defineNode<Config>({
  type: 'butler-frigate',
  version: 1,
  migrations: {
    0: (c) => ({
      ...c,
      kind: c.kind === 'object' ? 'object' : 'review',
      cameras: c.cameras ?? '',
      labels: c.labels ?? '',
      zones: c.zones ?? '',
      severity: c.severity ?? 'any',
      changes: c.changes ?? 'new',
      mode: c.mode ?? 'any',
    }),
  },
  validate(c) {
    if (c.kind !== 'review' && c.kind !== 'object') throw new ConfigError('kind', `must be review or object, got "${c.kind}"`);
    if (!['any', 'alert', 'detection'].includes(c.severity))
      throw new ConfigError('severity', `must be any, alert or detection, got "${c.severity}"`);
    if (c.kind === 'object' && c.severity !== 'any')
      throw new ConfigError('severity', 'only reviews have a severity: choose kind "review", or severity "any"');
    if (!['any', 'home', 'away', 'night'].includes(c.mode))
      throw new ConfigError('mode', `must be any, home, away or night, got "${c.mode}"`);
  },
  start({ config, services, listen, status, send }) {
    if (config.mode !== 'any' && !services.modes)
      throw new Error('the home mode is missing from the butler services (settings.butler.modes): set mode to "any"');
    const type = config.kind === 'object' ? 'frigate.object' : 'frigate.review';
    const cameraOk = globList(config.cameras);
    const labelOk = globList(config.labels);
    const zoneOk = globList(config.zones);
    const changeOk = globList(config.changes);
    const anyZone = config.zones.trim() === '';
    const anyLabel = config.labels.trim() === '';
    let count = 0;
    listen('event', (event) => {
      if (event.type !== type || !event.payload || typeof event.payload !== 'object') return;
      const f = facts(config.kind, event.payload as Record<string, unknown>);
      if (!cameraOk(f.camera) || !changeOk(f.change)) return;
      if (!anyLabel && !f.labels.some(labelOk)) return;
      if (!anyZone && !f.zones.some(zoneOk)) return;
      if (config.severity !== 'any' && f.severity !== config.severity) return;
      if (config.mode !== 'any' && services.modes?.mode !== config.mode) return;
      count++;
      status({ fill: 'green', shape: 'dot', text: short(`${f.camera} ${f.labels.join('+')} · ${clock()} (${count})`) });
      send({ topic: type, payload: event.payload, camera: f.camera, labels: f.labels, zones: f.zones, event });
    });
    status(LISTENING);
  },
});

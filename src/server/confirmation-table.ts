// The settings page's confirmation table: for each action that is not safe, what the policy decides when each source
// asks for it — computed by the butler's own PolicyEngine (same registry, same mode and privacy), never written by
// hand. The sources are the origins the entrances give their requests (panel and API: admins; Assist: trusted peers
// confirm sensitive actions; MQTT and Home Assistant's butler entities: trusted only with mqtt_trusted; chat
// messages and camera descriptions: untrusted input; a model's proposal the person did not ask for).
import { PolicyEngine, type Verdict } from '../actions/policy';
import type { ActionRegistry } from '../actions/registry';
import type { ModeState } from '../actions/modes';
import type { JsonObject, Origin } from '../types';

export interface SourceProfile {
  key: string;
  origin: Origin;
}

export function sourceProfiles(mqttTrusted: boolean): SourceProfile[] {
  return [
    { key: 'panel', origin: { source: 'panel', trusted: true } },
    { key: 'api', origin: { source: 'api', trusted: true } },
    { key: 'assist', origin: { source: 'assist', trusted: true, confirm_sensitive: true } },
    { key: 'flow', origin: { source: 'flow', trusted: true } },
    { key: 'rule', origin: { source: 'rule', trusted: true } },
    { key: 'rule_untrusted_event', origin: { source: 'rule', trusted: false } },
    { key: 'mqtt', origin: { source: 'mqtt', trusted: mqttTrusted } },
    { key: 'ha', origin: { source: 'ha', trusted: mqttTrusted } },
    { key: 'chat', origin: { source: 'openclaw', trusted: false, untrusted_input: true } },
    { key: 'planner_unasked', origin: { source: 'panel', trusted: true, asked_for: [] } },
  ];
}

export interface ConfirmationRow {
  action: string;
  /** The entity the row's verdicts are for, when the risk depends on it (a lock, a garage door). */
  example: string | null;
  risk: string;
  verdicts: Record<string, { verdict: Verdict; reason: string }>;
}

export interface ConfirmationTable {
  sources: { key: string; source: string; trusted: boolean }[];
  rows: ConfirmationRow[];
}

/** Entity-dependent actions checked against each entity the home has, one row per action and domain. */
const PER_ENTITY = ['device_turn_on', 'device_turn_off', 'device_toggle', 'open_cover'];

export function confirmationTable(
  registry: ActionRegistry,
  modes: ModeState,
  entities: Iterable<string>,
  mqttTrusted: boolean,
): ConfirmationTable {
  const policy = new PolicyEngine(registry, modes);
  const profiles = sourceProfiles(mqttTrusted);
  const candidates: { action: string; params: JsonObject; example: string | null }[] = [];
  for (const a of registry.list()) if (a.risk !== 'safe') candidates.push({ action: a.name, params: {}, example: null });
  const seen = new Set<string>();
  for (const id of [...entities].sort()) {
    for (const action of PER_ENTITY) {
      if (!registry.has(action)) continue;
      const params = { device_id: id };
      const key = `${action} ${id.split('.')[0]}`;
      if (seen.has(key) || registry.riskOf(action, params) === 'safe') continue;
      seen.add(key);
      candidates.push({ action, params, example: id });
    }
  }
  const rows: ConfirmationRow[] = [];
  for (const c of candidates) {
    const risk = registry.riskOf(c.action, c.params);
    if (risk === 'safe') continue;
    // A dangerous action also needs its target in an allowlist; the row shows what happens for an allowlisted one.
    if (risk === 'dangerous') policy.setAllowlist(c.action, () => ({ allowed: true, what: '', list: 'its allowlist' }));
    const verdicts: ConfirmationRow['verdicts'] = {};
    for (const p of profiles) {
      const d = policy.evaluate(c.action, c.params, p.origin);
      verdicts[p.key] = { verdict: d.verdict, reason: d.reason };
    }
    rows.push({ action: c.action, example: c.example, risk, verdicts });
  }
  return { sources: profiles.map((p) => ({ key: p.key, source: p.origin.source, trusted: p.origin.trusted })), rows };
}

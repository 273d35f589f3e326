// Prometheus text exposition of the butler's counters.
import type { Butler } from '../service';

export function renderMetrics(butler: Butler): string {
  const lines: string[] = [];
  const metric = (name: string, type: 'counter' | 'gauge', help: string, samples: [Record<string, string> | null, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) {
      const l = labels
        ? `{${Object.entries(labels)
            .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`)
            .join(',')}}`
        : '';
      lines.push(`${name}${l} ${Number.isFinite(value) ? value : 0}`);
    }
  };
  const audit = butler.audit.stats();
  const door = butler.door.stats();
  const mqtt = butler.mqtt?.stats();
  metric('butler_events_total', 'counter', 'Events accepted since start.', [[null, audit.events]]);
  metric('butler_plans_total', 'counter', 'Plans made since start.', [[null, door.plans]]);
  metric(
    'butler_results_total',
    'counter',
    'Action results since start, by status.',
    (['ok', 'error', 'denied', 'pending_confirmation'] as const).map((s) => [{ status: s }, door[s]]),
  );
  metric('butler_store_pending_writes', 'gauge', 'Rows queued for the next batch write.', [[null, audit.pending]]);
  metric('butler_store_flushes_total', 'counter', 'Batch writes to SQLite.', [[null, audit.flushes]]);
  if (mqtt) {
    metric('butler_mqtt_messages_received_total', 'counter', 'Messages received on butler/in/*.', [[null, mqtt.received]]);
    metric('butler_mqtt_messages_rejected_total', 'counter', 'Malformed or invalid butler/in/* messages rejected.', [
      [null, mqtt.rejected],
    ]);
    metric('butler_mqtt_connected', 'gauge', '1 when connected to the broker.', [[null, mqtt.connected ? 1 : 0]]);
  }
  const ha = butler.ha?.status();
  metric('butler_ha_connected', 'gauge', '1 when connected to Home Assistant.', [[null, ha?.connected ? 1 : 0]]);
  metric('butler_ha_connects_total', 'counter', 'Connections to Home Assistant since start (reconnects included).', [
    [null, ha?.connects ?? 0],
  ]);
  metric('butler_ha_entities', 'gauge', 'Entities in the live mirror.', [[null, butler.ha?.states().size ?? 0]]);
  metric('butler_confirmations_pending', 'gauge', 'Sensitive actions waiting for a person.', [[null, butler.confirmations.countPending()]]);
  for (const [name, m] of butler.extraMetrics()) metric(name, m.type, m.help, m.samples);
  metric('process_resident_memory_bytes', 'gauge', 'Resident memory.', [[null, process.memoryUsage.rss()]]);
  metric('butler_uptime_seconds', 'gauge', 'Seconds since start.', [[null, (Date.now() - butler.startedAt) / 1000]]);
  return `${lines.join('\n')}\n`;
}

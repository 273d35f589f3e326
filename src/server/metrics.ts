// Prometheus text exposition of the butler's counters: every part's families, then the process's own.
import type { MetricFamily } from '../parts/part';

export function renderMetrics(families: MetricFamily[], startedAt: number): string {
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
  for (const [name, m] of families) metric(name, m.type, m.help, m.samples);
  metric('process_resident_memory_bytes', 'gauge', 'Resident memory.', [[null, process.memoryUsage.rss()]]);
  metric('butler_uptime_seconds', 'gauge', 'Seconds since start.', [[null, (Date.now() - startedAt) / 1000]]);
  return `${lines.join('\n')}\n`;
}

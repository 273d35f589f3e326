// A ping every period while connected: a socket can stay open after Home Assistant stopped answering (half-open), and
// only a ping without a pong within the period shows it.
import type { HawsConnection } from './haws';

export class Heartbeat {
  private interval: NodeJS.Timeout | null = null;

  constructor(
    /** 0 or less: no heartbeat. */
    private readonly periodMs: number,
    /** The connection to ping now (none: skip this beat). */
    private readonly current: () => HawsConnection | null,
    /** The connection did not answer a ping in time. */
    private readonly silent: (conn: HawsConnection) => void,
  ) {}

  start(): void {
    this.stop();
    if (this.periodMs <= 0) return;
    this.interval = setInterval(() => {
      const conn = this.current();
      if (!conn?.connected) return;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), this.periodMs);
      });
      Promise.race([
        conn.ping().then(
          () => 'pong' as const,
          () => 'pong' as const,
        ),
        timeout,
      ]).then(
        (r) => {
          clearTimeout(timer);
          if (r === 'timeout') this.silent(conn);
        },
        () => clearTimeout(timer),
      );
    }, this.periodMs);
    this.interval.unref();
  }

  stop(): void {
    if (this.interval) clearInterval(this.interval);
    this.interval = null;
  }
}

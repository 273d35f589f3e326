// A simulated DaShan desk robot on MQTT: it obeys <prefix>/command ({command, params, priority, timestamp}), publishes
// its whole status every 5 s and a partial update after each command, and logs what it did on <prefix>/log.
import mqtt, { type MqttClient } from 'mqtt';

export interface RobotOptions {
  url: string;
  username?: string;
  password?: string;
  prefix?: string;
  statusEveryMs?: number;
}

export class SimulatedRobot {
  readonly received: { command: string; params: Record<string, unknown> }[] = [];
  state = {
    state: 'WAKE',
    expression: 1,
    emotion: { type: 'calm', intensity: 0.3 },
    servo: { horizontal: 90, vertical: 90 },
    battery: 87,
    proximity: false,
    distance: 120,
    light: 300,
  };
  private client: MqttClient | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly prefix: string;

  constructor(private readonly opts: RobotOptions) {
    this.prefix = opts.prefix ?? 'daShan';
  }

  async start(): Promise<this> {
    const client = mqtt.connect(this.opts.url, {
      username: this.opts.username,
      password: this.opts.password,
      reconnectPeriod: 1000,
      clientId: `dashan-sim-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
    });
    this.client = client;
    client.on('error', () => undefined);
    client.on('message', (_topic, payload) => this.onCommand(payload));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        client.end(true);
        reject(new Error(`the simulated DaShan robot could not connect to the MQTT broker at ${this.opts.url} within 10 s`));
      }, 10_000);
      client.once('connect', () => {
        clearTimeout(t);
        resolve();
      });
    });
    await client.subscribeAsync(`${this.prefix}/command`, { qos: 1 });
    this.publishStatus();
    this.timer = setInterval(() => this.publishStatus(), this.opts.statusEveryMs ?? 5000);
    this.timer.unref();
    return this;
  }

  /** Goes silent (a robot unplugged): no more status. */
  pause(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async stop(): Promise<void> {
    this.pause();
    await this.client?.endAsync();
    this.client = null;
  }

  publishStatus(partial?: Record<string, unknown>): void {
    this.client?.publish(`${this.prefix}/status`, JSON.stringify({ ...(partial ?? this.state), timestamp: Date.now() / 1000 }), { qos: 0 });
  }

  private log(level: string, message: string): void {
    this.client?.publish(`${this.prefix}/log`, JSON.stringify({ timestamp: Date.now() / 1000, type: 'command', level, message }));
  }

  private onCommand(payload: Buffer) {
    let c: { command?: unknown; params?: Record<string, unknown> };
    try {
      c = JSON.parse(payload.toString('utf8'));
    } catch {
      return this.log('warning', 'command is not JSON');
    }
    const params = c.params && typeof c.params === 'object' ? c.params : {};
    this.received.push({ command: String(c.command), params });
    switch (c.command) {
      case 'set_expression':
        this.state.expression = Number(params.expression_id);
        this.publishStatus({ expression: this.state.expression });
        break;
      case 'set_servo':
        this.state.servo = { horizontal: Number(params.servo_h), vertical: Number(params.servo_v) };
        this.publishStatus({ servo: this.state.servo });
        break;
      case 'set_state':
        this.state.state = String(params.state);
        this.publishStatus({ state: this.state.state });
        break;
      case 'play_animation':
      case 'speak':
        break;
      default:
        return this.log('warning', `unknown command ${String(c.command)}`);
    }
    this.log('info', `${String(c.command)} ${JSON.stringify(params)}`);
  }
}

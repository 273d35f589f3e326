// The one schema for every option. The add-on's config.yaml `schema`, the translations, the env overrides
// (BUTLER_<OPTION>) and the YAML file are all checked against this.
// `x-addon: false` marks settings that are not add-on options (set by the environment or the YAML file only).
// `x-secret: true` marks values that never appear in logs or API output.

export const optionsSchema = {
  $id: 'butler-options',
  type: 'object',
  additionalProperties: false,
  dependencies: { embeddings_url: ['embeddings_model'] },
  properties: {
    log_level: { type: 'string', enum: ['trace', 'debug', 'info', 'warning', 'error'], default: 'info' },
    language: {
      type: 'string',
      enum: ['en', 'zh-cn'],
      default: 'en',
      description: 'Language of replies when a sentence does not show its own',
    },
    port: { type: 'integer', minimum: 1, maximum: 65535, default: 8099, 'x-addon': false },
    data_dir: { type: 'string', minLength: 1, 'x-addon': false },
    mqtt_url: {
      type: 'string',
      pattern: '^(mqtts?|wss?|tcp)://',
      description: 'External broker; empty uses the Supervisor broker or the embedded one',
    },
    mqtt_username: { type: 'string' },
    mqtt_password: { type: 'string', 'x-secret': true },
    mqtt_port: { type: 'integer', minimum: 0, maximum: 65535, default: 1883, 'x-addon': false },
    mqtt_trusted: { type: 'boolean', default: false, description: 'Treat butler/in/* commands as trusted' },
    ha_url: { type: 'string', pattern: '^(https?|wss?)://', 'x-addon': false },
    ha_token: { type: 'string', 'x-secret': true, 'x-addon': false },
    supervisor_url: { type: 'string', default: 'http://supervisor', 'x-addon': false },
    llm_api_key: { type: 'string', 'x-secret': true },
    llm_model: { type: 'string', minLength: 1, default: 'claude-sonnet-4-6' },
    llm_base_url: { type: 'string', pattern: '^https?://' },
    llm_timeout_s: { type: 'integer', minimum: 1, maximum: 300, default: 30 },
    embeddings_url: {
      type: 'string',
      pattern: '^https?://',
      description: 'An OpenAI-compatible embeddings endpoint for memory search; empty: keyword search only',
    },
    embeddings_model: { type: 'string', minLength: 1 },
    embeddings_api_key: { type: 'string', 'x-secret': true },
    home_mode: { type: 'string', enum: ['home', 'away', 'night'], default: 'home', description: 'Mode at first start' },
    retention_days: { type: 'integer', minimum: 1, maximum: 3650, default: 30 },
    db_max_mb: { type: 'integer', minimum: 1, maximum: 1048576, description: 'Largest size of the database; empty: no limit' },
    confirmation_timeout_s: { type: 'integer', minimum: 10, maximum: 86400, default: 300 },
    action_timeout_s: { type: 'integer', minimum: 1, maximum: 600, default: 15 },
    exec_allowlist: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      default: [],
      description: 'Exact command lines system_exec may run',
    },
    script_allowlist: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
    notify_service: { type: 'string', pattern: '^[a-z_]+\\.[a-z0-9_]+$', default: 'persistent_notification.create' },
    arrival_cooldown_s: { type: 'integer', minimum: 0, default: 300 },
    intrusion_window_s: { type: 'integer', minimum: 1, default: 120 },
    intrusion_threshold: { type: 'integer', minimum: 1, default: 3 },
    wyoming_port: { type: 'integer', minimum: 0, maximum: 65535, default: 10700 },
    openclaw_url: { type: 'string', pattern: '^wss?://' },
    openclaw_token: { type: 'string', 'x-secret': true },
    openclaw_cli: {
      type: 'string',
      pattern: '^[A-Za-z0-9_./-]+$',
      description: 'The one OpenClaw CLI executable the butler may run to send when no openclaw_url is set; empty: never',
    },
    ingress_proxy: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      default: ['172.30.32.2'],
      'x-addon': false,
      description: "Addresses whose X-Remote-User-* headers are believed (the Supervisor's ingress proxy)",
    },
    credential_secret: {
      type: 'string',
      minLength: 8,
      'x-secret': true,
      description: 'Encrypts flow credentials; generated once when unset',
    },
    log_format: {
      type: 'string',
      enum: ['text', 'json'],
      default: 'text',
      description: 'Log lines people read (text) or one JSON object per line (json)',
    },
    cameras: {
      type: 'array',
      default: [],
      description: 'ONVIF cameras: name, host, port, username, password, profile (optional)',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'host', 'username', 'password'],
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,32}$' },
          host: { type: 'string', minLength: 1, maxLength: 253 },
          port: { type: 'integer', minimum: 1, maximum: 65535, default: 80 },
          username: { type: 'string', minLength: 1 },
          password: { type: 'string', 'x-secret': true },
          profile: { type: 'string', minLength: 1 },
        },
      },
    },
    snapshot_retention_days: { type: 'integer', minimum: 1, maximum: 365, default: 7 },
    frigate_url: { type: 'string', pattern: '^https?://', description: 'Frigate HTTP API, e.g. http://ccab4aaf-frigate:5000' },
    frigate_username: { type: 'string' },
    frigate_password: { type: 'string', 'x-secret': true },
    frigate_topic_prefix: { type: 'string', minLength: 1, default: 'frigate' },
    broadlink: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'host'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 64 },
          host: { type: 'string', minLength: 1, maxLength: 253 },
          port: { type: 'integer', minimum: 1, maximum: 65535, default: 80 },
          mac: { type: 'string', pattern: '^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$' },
          type: { type: 'string', pattern: '^(rm4|rmmini)$' },
        },
      },
      description:
        'Broadlink IR/RF blasters (RM4 mini, RM mini 3): name, host, port (80), mac and type (rm4 | rmmini) found by discovery when absent',
    },
    dashan_enabled: { type: 'boolean', default: false, description: 'Talk to the DaShan desk robot over MQTT' },
    dashan_topic_prefix: { type: 'string', minLength: 1, default: 'daShan', description: 'MQTT topic prefix of the DaShan robot' },
    people: {
      type: 'array',
      default: [],
      'x-addon': false,
      description: 'The household: who the butler may message without confirmation, and how to reach them',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 64 },
          aliases: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 64 } },
          openclaw: {
            type: 'object',
            additionalProperties: false,
            required: ['channel', 'target'],
            properties: {
              channel: { type: 'string', minLength: 1 },
              target: { type: 'string', minLength: 1 },
              account: { type: 'string', minLength: 1 },
            },
          },
          email: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$' },
          ha_notify: { type: 'string', pattern: '^notify\\.[a-z0-9_]+$' },
        },
      },
    },
    searxng_url: { type: 'string', pattern: '^https?://' },
    backup_interval_hours: {
      type: 'integer',
      minimum: 0,
      maximum: 720,
      default: 24,
      description: 'Hours between database backups into <data>/backup/; 0: only on request',
    },
    smtp_host: { type: 'string', minLength: 1, description: 'SMTP server for email_send; empty: no sending' },
    smtp_port: { type: 'integer', minimum: 1, maximum: 65535 },
    smtp_username: { type: 'string' },
    smtp_password: { type: 'string', 'x-secret': true },
    smtp_from: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$' },
    smtp_tls: { type: 'boolean', description: 'TLS from the first byte (port 465); off: STARTTLS when offered' },
    imap_host: { type: 'string', minLength: 1, description: 'IMAP server for email_read and new-mail events; empty: off' },
    imap_port: { type: 'integer', minimum: 1, maximum: 65535 },
    imap_username: { type: 'string' },
    imap_password: { type: 'string', 'x-secret': true },
    imap_tls: { type: 'boolean', description: 'TLS from the first byte (port 993, the default)' },
    imap_folder: { type: 'string', minLength: 1, description: 'Folder watched for new mail (INBOX when empty)' },
    image_api_url: { type: 'string', pattern: '^https?://', description: 'OpenAI-compatible images API base (…/v1) for image_generate' },
    image_api_key: { type: 'string', 'x-secret': true },
    image_model: { type: 'string', minLength: 1 },
  },
} as const;

export interface ButlerOptions {
  log_level: 'trace' | 'debug' | 'info' | 'warning' | 'error';
  language: 'en' | 'zh-cn';
  port: number;
  data_dir: string;
  mqtt_url?: string;
  mqtt_username?: string;
  mqtt_password?: string;
  mqtt_port: number;
  mqtt_trusted: boolean;
  ha_url?: string;
  ha_token?: string;
  supervisor_url: string;
  llm_api_key?: string;
  llm_model: string;
  llm_base_url?: string;
  llm_timeout_s: number;
  embeddings_url?: string;
  embeddings_model?: string;
  embeddings_api_key?: string;
  home_mode: 'home' | 'away' | 'night';
  retention_days: number;
  db_max_mb?: number;
  confirmation_timeout_s: number;
  action_timeout_s: number;
  exec_allowlist: string[];
  script_allowlist: string[];
  notify_service: string;
  arrival_cooldown_s: number;
  intrusion_window_s: number;
  intrusion_threshold: number;
  wyoming_port: number;
  openclaw_url?: string;
  openclaw_token?: string;
  openclaw_cli?: string;
  ingress_proxy: string[];
  credential_secret?: string;
  log_format: 'text' | 'json';
  cameras: { name: string; host: string; port: number; username: string; password: string; profile?: string }[];
  snapshot_retention_days: number;
  frigate_url?: string;
  frigate_username?: string;
  frigate_password?: string;
  frigate_topic_prefix: string;
  broadlink: BroadlinkOption[];
  dashan_enabled: boolean;
  dashan_topic_prefix: string;
  people: PersonOption[];
  searxng_url?: string;
  backup_interval_hours: number;
  smtp_host?: string;
  smtp_port?: number;
  smtp_username?: string;
  smtp_password?: string;
  smtp_from?: string;
  smtp_tls?: boolean;
  imap_host?: string;
  imap_port?: number;
  imap_username?: string;
  imap_password?: string;
  imap_tls?: boolean;
  imap_folder?: string;
  image_api_url?: string;
  image_api_key?: string;
  image_model?: string;
}

export interface BroadlinkOption {
  name: string;
  host: string;
  port?: number;
  mac?: string;
  type?: 'rm4' | 'rmmini';
}

export interface PersonOption {
  name: string;
  aliases?: string[];
  openclaw?: { channel: string; target: string; account?: string };
  email?: string;
  ha_notify?: string;
}

export type OptionName = keyof typeof optionsSchema.properties;

export const SECRET_OPTIONS: OptionName[] = (Object.keys(optionsSchema.properties) as OptionName[]).filter(
  (k) => (optionsSchema.properties[k] as Record<string, unknown>)['x-secret'] === true,
);

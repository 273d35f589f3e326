// The Node-RED settings the butler runs it with: its own storage, auth through the butler's gate, no palette installs,
// no telemetry, and Node-RED's log lines in the butler's log (node errors kept for health).
import type { Logger } from '../log';
import type { EditorGate } from './gate';
import { ADMIN_ROOT, NODE_ROOT, USER_HEADER } from './gate';
import type { ButlerServices } from './services';
import type { FlowStorage } from './storage';

export interface NodeRedLogMessage {
  level: number;
  msg?: unknown;
  type?: string;
  id?: string;
  name?: string;
}

export const NR_LEVELS: Record<number, 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'> = {
  10: 'fatal',
  20: 'error',
  30: 'warn',
  40: 'info',
  50: 'debug',
  60: 'trace',
};

export interface SettingsInput {
  userDir: string;
  /** Folders to scan for nodes (empty when the palette is linked as a module). */
  nodesDir: string[];
  storage: FlowStorage;
  credentialSecret: string;
  safeMode: boolean;
  services: ButlerServices;
  uiPort: number;
  gate: EditorGate;
  onLog: (m: NodeRedLogMessage) => void;
}

export function nodeRedSettings(i: SettingsInput): Record<string, unknown> {
  return {
    httpAdminRoot: ADMIN_ROOT,
    httpNodeRoot: NODE_ROOT,
    userDir: i.userDir,
    nodesDir: i.nodesDir,
    storageModule: i.storage,
    credentialSecret: i.credentialSecret,
    safeMode: i.safeMode,
    butler: i.services,
    uiPort: i.uiPort,
    flowFilePretty: false,
    disableEditor: false,
    externalModules: { autoInstall: false, palette: { allowInstall: false, allowUpload: false }, modules: { allowInstall: false } },
    functionExternalModules: false,
    diagnostics: { enabled: false, ui: false },
    runtimeState: { enabled: false, ui: false },
    telemetry: { enabled: false, updateNotification: false },
    editorTheme: {
      page: { title: 'Smart Butler · flows' },
      header: { title: 'Smart Butler flows' },
      projects: { enabled: false },
      tours: false,
      palette: { catalogues: [] },
      login: {},
    },
    adminAuth: {
      type: 'credentials',
      users: async () => null,
      authenticate: async () => null,
      tokenHeader: USER_HEADER,
      tokens: (token: string) => i.gate.tokens(token),
    },
    logging: {
      butler: { level: 'info', metrics: false, audit: false, handler: () => i.onLog },
    },
  };
}

/** Node-RED's log line in the butler's log. */
export function relayLog(log: Logger, m: NodeRedLogMessage, text: string): void {
  const level = NR_LEVELS[m.level] ?? 'info';
  log[level](m.id ? { node: m.id, type: m.type, name: m.name } : {}, text);
}

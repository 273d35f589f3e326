// home-assistant-js-websocket ships ESM types but a CommonJS build; load the CommonJS build with the ESM types.
import type * as Haws from 'home-assistant-js-websocket' with { 'resolution-mode': 'import' };

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const haws = require('home-assistant-js-websocket') as typeof Haws;
export type HawsConnection = Haws.Connection;
export type HawsSocket = Haws.HaWebSocket;
export type HawsConnectionOptions = Haws.ConnectionOptions;

// The HTTP part: one port for the panel, the API, the flow editor and flow endpoints. It is created first (other parts
// mount onto it) and listens once the API is registered; a taken port someone chose stops the start.
import type { Part } from '../parts/part';
import { portTakenError } from '../parts/ports';
import type { Logger } from '../log';
import { type ApiHost, registerApi } from './api';
import type { AuthOptions } from './auth';
import { createHttpHost, type HttpHost } from './http';

export interface HttpPartOptions {
  port: number;
  /** 0.0.0.0 in the add-on; tests use 127.0.0.1. */
  listenHost: string;
  auth: AuthOptions;
  log: Logger;
}

export class HttpPart implements Part<Omit<ApiHost, 'http'>> {
  readonly name = 'http';
  readonly essential = true;
  readonly http: HttpHost;
  port = 0;

  constructor(private readonly opts: HttpPartOptions) {
    this.http = createHttpHost(opts.log);
  }

  async start(host: Omit<ApiHost, 'http'>): Promise<void> {
    registerApi({ ...host, http: this.http }, this.opts.auth);
    try {
      this.port = await this.http.listen(this.opts.port, this.opts.listenHost);
    } catch (err) {
      throw portTakenError(err, this.opts.port, 'the panel and API', 'BUTLER_PORT');
    }
  }

  stop(): Promise<void> {
    return this.http.close();
  }
}

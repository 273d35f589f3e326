// A real SMTP server in the test process (smtp-server) on a free port: plain SMTP on loopback, one login, every mail
// it accepts kept in `received`. A wrong login is refused with 535, as real servers do.
import { SMTPServer } from 'smtp-server';
import { freePort } from './ports';

export interface ReceivedMail {
  /** The envelope sender ('' for a null sender). */
  from: string;
  /** The envelope recipients. */
  to: string[];
  /** The message as sent, headers and body. */
  raw: string;
}

export interface TestSmtp {
  host: string;
  port: number;
  username: string;
  password: string;
  received: ReceivedMail[];
  stop(): Promise<void>;
}

export async function startSmtp(opts: { username?: string; password?: string } = {}): Promise<TestSmtp> {
  const username = opts.username ?? 'butler';
  const password = opts.password ?? 'smtp-test-secret';
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === username && auth.password === password) cb(null, { user: username });
      else cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (d) => (raw += String(d)));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
        });
        cb();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    host: '127.0.0.1',
    port,
    username,
    password,
    received,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

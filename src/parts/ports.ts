// A listening port that is already taken is the most common start-up failure: say which setting moves it.
import { StartupError } from './part';

export function portTakenError(err: unknown, port: number, what: string, variable: string): Error {
  if ((err as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
    return new StartupError(
      `port ${port} for ${what} is already taken (is another butler running?): set ${variable} to another port (0 picks a free one)`,
    );
  }
  return err instanceof Error ? err : new Error(String(err));
}

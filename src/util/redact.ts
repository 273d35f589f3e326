// Credentials inside URLs, wherever a text carries them: `mqtt://user:secret@host` → `mqtt://***@host`,
// `?token=x` → `?token=***`. Used on option values, health details and every log line before it is written.
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]*@/gi;
const SECRET_QUERY = /([?&](?:token|access_token|api_key|apikey|key|password|pass|secret|auth)=)[^&#\s"'<>]*/gi;

export function redactUrl(text: string): string {
  if (!text.includes('@') && !text.includes('=')) return text;
  return text.replace(URL_CREDENTIALS, '$1***@').replace(SECRET_QUERY, '$1***');
}

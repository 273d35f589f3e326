// Credentials inside URLs, wherever a text carries them: `mqtt://user:secret@host` → `mqtt://***@host`,
// `?token=x` → `?token=***`. Used on option values, health details and every log line before it is written.
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]*@/gi;
// Any query name that ends like a secret: token, access_token, api_key, client_secret, password, passwd, pwd (cameras'
// snapshot URLs carry `user=admin&pwd=…`), signature, X-Amz-Credential…
const SECRET_QUERY =
  /([?&](?:[a-z0-9_.-]*(?:token|secret|password|passwd|pwd|pass|passcode|apikey|api_key|access_key|signature|credential)|key|sig|auth|authorization)=)[^&#\s"'<>]*/gi;

export function redactUrl(text: string): string {
  if (!text.includes('@') && !text.includes('=')) return text;
  return text.replace(URL_CREDENTIALS, '$1***@').replace(SECRET_QUERY, '$1***');
}

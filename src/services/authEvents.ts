/**
 * Security-relevant auth events, written as one JSON line each. They name users by id or by the
 * identifier they typed, tokens by jti and sessions by their numeric id: never a password, a raw
 * token or a raw session id.
 */
export type AuthEvent =
  | { event: 'login_succeeded'; userId: number; method: 'password' }
  | { event: 'login_failed'; identifier: string; reason: 'unknown_account' | 'wrong_password' }
  | { event: 'password_rehashed'; userId: number }
  | { event: 'login_throttled'; identifier: string; scope: 'ip' | 'account'; retryAfterSeconds: number }
  | { event: 'token_issued'; userId: number; tokenType: 'access' | 'refresh'; jti: string; family: string }
  | { event: 'token_revoked'; jti: string; reason: 'logout' | 'rotated' }
  | { event: 'token_family_revoked'; family: string; reason: 'refresh_token_reuse' | 'logout' }
  | { event: 'user_tokens_revoked'; userId: number; tokenVersion: number; reason: 'admin' }
  | { event: 'session_opened'; userId: number; sessionId: number }
  | { event: 'session_closed'; userId: number | null; sessionIds: number[]; reason: 'logout' | 'revoked' | 'expired' | 'password_changed' };

export type AuditLog = (event: AuthEvent & { ip: string }) => void;

/** Writes each event as a JSON line; `write` defaults to stdout. */
export function jsonLineAuditLog(clock: () => number, write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): AuditLog {
  return (event) => write(JSON.stringify({ time: new Date(clock()).toISOString(), type: 'auth', ...event }));
}

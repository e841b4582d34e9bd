import type { Logger } from 'pino';
import type { AuditLog, AuthEvent } from '../services/authEvents';
import type { Metrics } from './metrics';
import { requestState } from './requestState';

export type Face = 'graphql' | 'ra' | 'tx' | 'hb' | 'ra_tx' | 'other';

/** The face a request came in on, from the fixed prefixes the routers serve. */
export function faceOf(url: string): Face {
  if (url.startsWith('/graphql')) return 'graphql';
  if (url.startsWith('/api/v1')) return 'hb';
  if (url.startsWith('/auth/') || url.startsWith('/api/ships')) return 'tx';
  if (url.startsWith('/api/token') || url.startsWith('/api/resource')) return 'ra';
  // One handler serves RA's and TX's /api/users.
  if (url.startsWith('/api/users')) return 'ra_tx';
  return 'other';
}

/** The one place auth events become counters, so no rule about them is written twice. */
export function countAuthEvent(metrics: Metrics, event: AuthEvent, face: Face): void {
  switch (event.event) {
    case 'login_succeeded':
      metrics.logins.inc({ face, result: 'ok' });
      return;
    case 'login_failed':
      metrics.logins.inc({ face, result: 'failed' });
      return;
    case 'login_throttled':
      metrics.throttled.inc({ face, scope: event.scope });
      return;
    case 'token_issued':
      metrics.tokensIssued.inc({ type: event.tokenType });
      return;
    case 'token_revoked':
      metrics.tokensRevoked.inc({ reason: event.reason });
      return;
    case 'token_family_revoked':
      metrics.familiesRevoked.inc({ reason: event.reason });
      if (event.reason === 'refresh_token_reuse') metrics.refreshReuse.inc();
      return;
    case 'session_opened':
      metrics.sessionsOpened.inc();
      return;
    case 'session_closed':
      metrics.sessionsClosed.inc({ reason: event.reason }, event.sessionIds.length);
      return;
  }
}

export interface AuditTargets {
  logger: Logger;
  metrics: Metrics;
  /** Also handed every event, unchanged (tests collect them). */
  audit?: AuditLog;
}

/**
 * A request's `ctx.audit`: counts the event, logs it as a `type: "auth"` line with the request's
 * id, and passes it on to `audit`. A successful login names the request's user in its log line.
 */
export function requestAudit(targets: AuditTargets, req: object): AuditLog {
  const state = requestState(req);
  return (event) => {
    countAuthEvent(targets.metrics, event, state ? faceOf(state.url) : 'other');
    if (state && event.event === 'login_succeeded' && state.userId === null) state.userId = event.userId;
    const level = event.event === 'token_family_revoked' && event.reason === 'refresh_token_reuse' ? 'warn' : 'info';
    targets.logger[level]({ type: 'auth', requestId: state?.id, ...event }, event.event);
    targets.audit?.(event);
  };
}

import { purgeStaleAttempts } from './rateLimits';
import type { ServiceContext } from './serviceContext';
import { purgeExpiredSessions } from './sessions';
import { purgeExpiredRevocations } from './tokens';

export interface PurgeCounts {
  sessions: number;
  revocations: number;
  throttleRows: number;
}

/**
 * Deletes the rows that can no longer affect anything: expired sessions, revocation entries
 * outliving their tokens, and throttle logs with no attempt left in the window. Each kind is also
 * swept as a side effect of normal traffic; this catches what quiet databases keep.
 */
export async function purgeExpired(ctx: ServiceContext): Promise<PurgeCounts> {
  const sessions = await purgeExpiredSessions(ctx);
  const revocations = await purgeExpiredRevocations(ctx);
  const throttleRows = await purgeStaleAttempts(ctx);
  return { sessions, revocations, throttleRows };
}

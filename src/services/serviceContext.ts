import type { SqlEntityManager as EntityManager } from '@mikro-orm/knex';
import type { TokenKeys } from '../auth/tokens';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { LiveUserLookup } from '../db/liveUser';
import type { AuditLog } from './authEvents';

/** What every service function needs: one forked EntityManager per request, plus app-wide settings. */
export interface ServiceContext {
  em: EntityManager;
  config: Config;
  clock: Clock;
  tokenKeys: TokenKeys;
  /** The token path's one prepared lookup (db/liveUser.ts); it reads outside `em`'s transaction, if any. */
  liveUsers: LiveUserLookup;
  audit: AuditLog;
  /** The client's address (through trusted proxies only), for throttling and the audit log. */
  clientIp: string;
}

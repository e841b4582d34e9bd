import type { SqlEntityManager as EntityManager } from '@mikro-orm/knex';
import type { TokenKeys } from '../auth/tokens';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { HotReads } from '../db/hotReads';
import type { RunStatement } from '../db/statements';
import type { AuditLog } from './authEvents';

/** What every service function needs: one forked EntityManager per request, plus app-wide settings. */
export interface ServiceContext {
  em: EntityManager;
  config: Config;
  clock: Clock;
  tokenKeys: TokenKeys;
  /** The prepared reads that authenticate a request (db/hotReads.ts); they read outside `em`'s transaction, if any. */
  hotReads: HotReads;
  /** Fixed statements on a pooled connection (db/statements.ts), outside `em`'s transaction: the throttle's writes. */
  statements: RunStatement;
  audit: AuditLog;
  /** The client's address (through trusted proxies only), for throttling and the audit log. */
  clientIp: string;
}

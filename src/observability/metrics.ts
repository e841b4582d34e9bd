import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { hashGateStats, observeHashWaits } from '../auth/passwords';
import type { Orm } from '../db/orm';

// One registry per running server (tests run several in a process), never prom-client's global one.

const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** knex's connection pool (tarn), as far as the gauges read it. */
interface TarnPool {
  max: number;
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
}

function poolOf(orm: Orm): TarnPool | null {
  const pool = (orm.em.getConnection().getKnex() as unknown as { client?: { pool?: Partial<TarnPool> } }).client?.pool;
  return pool && typeof pool.numUsed === 'function' ? (pool as TarnPool) : null;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly registers = [this.registry];

  readonly httpDuration = new Histogram({
    name: 'hangar_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status, from the first byte read to the last byte written',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: SECONDS_BUCKETS,
    registers: this.registers,
  });

  readonly graphqlDuration = new Histogram({
    name: 'hangar_graphql_operation_duration_seconds',
    help: 'Executed GraphQL operations by operation name and type',
    labelNames: ['operation', 'type'] as const,
    buckets: SECONDS_BUCKETS,
    registers: this.registers,
  });

  readonly graphqlOperations = new Counter({
    name: 'hangar_graphql_operations_total',
    help: 'Executed GraphQL operations by operation name, type and outcome (error: the result carried errors)',
    labelNames: ['operation', 'type', 'outcome'] as const,
    registers: this.registers,
  });

  readonly logins = new Counter({
    name: 'hangar_auth_logins_total',
    help: 'Password checks by face (graphql, ra, tx, hb, ra_tx for the shared /api/users) and result',
    labelNames: ['face', 'result'] as const,
    registers: this.registers,
  });

  readonly throttled = new Counter({
    name: 'hangar_auth_logins_throttled_total',
    help: 'Password attempts refused by the throttle, by face and the limit that refused them',
    labelNames: ['face', 'scope'] as const,
    registers: this.registers,
  });

  readonly tokensIssued = new Counter({
    name: 'hangar_auth_tokens_issued_total',
    help: 'JWTs issued, by type',
    labelNames: ['type'] as const,
    registers: this.registers,
  });

  readonly tokensRevoked = new Counter({
    name: 'hangar_auth_tokens_revoked_total',
    help: 'Single tokens revoked, by reason',
    labelNames: ['reason'] as const,
    registers: this.registers,
  });

  readonly familiesRevoked = new Counter({
    name: 'hangar_auth_token_families_revoked_total',
    help: 'Token families (a login and everything renewed from it) revoked, by reason',
    labelNames: ['reason'] as const,
    registers: this.registers,
  });

  readonly refreshReuse = new Counter({
    name: 'hangar_auth_refresh_token_reuse_total',
    help: 'Rotated refresh tokens presented again after the grace window (the family is revoked)',
    registers: this.registers,
  });

  readonly sessionsOpened = new Counter({
    name: 'hangar_auth_sessions_opened_total',
    help: 'Cookie sessions opened',
    registers: this.registers,
  });

  readonly sessionsClosed = new Counter({
    name: 'hangar_auth_sessions_closed_total',
    help: 'Cookie sessions ended, by reason',
    labelNames: ['reason'] as const,
    registers: this.registers,
  });

  readonly hashWait = new Histogram({
    name: 'hangar_argon2_queue_wait_seconds',
    help: 'Time argon2 operations waited for a slot (ARGON2_CONCURRENCY) before hashing',
    buckets: [0, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: this.registers,
  });

  private readonly stopObservingHashes = observeHashWaits((seconds) => this.hashWait.observe(seconds));

  constructor(orm: Orm) {
    new Gauge({
      name: 'hangar_argon2_operations',
      help: 'argon2 operations in this process, by state (running, or waiting for a slot)',
      labelNames: ['state'] as const,
      registers: this.registers,
      collect() {
        const { running, waiting } = hashGateStats();
        this.set({ state: 'running' }, running);
        this.set({ state: 'waiting' }, waiting);
      },
    });
    new Gauge({
      name: 'hangar_db_pool_connections',
      help: 'Database pool connections by state: used (lent to a query), idle, or being opened. SQLite has one connection',
      labelNames: ['state'] as const,
      registers: this.registers,
      collect() {
        const pool = poolOf(orm);
        if (!pool) return;
        this.set({ state: 'used' }, pool.numUsed());
        this.set({ state: 'idle' }, pool.numFree());
        this.set({ state: 'opening' }, pool.numPendingCreates());
      },
    });
    new Gauge({
      name: 'hangar_db_pool_waiting',
      help: 'Queries waiting for a pooled database connection',
      registers: this.registers,
      collect() {
        const pool = poolOf(orm);
        if (pool) this.set(pool.numPendingAcquires());
      },
    });
    new Gauge({
      name: 'hangar_db_pool_max',
      help: 'Largest number of connections the pool opens (DATABASE_POOL_MAX; 1 on SQLite)',
      registers: this.registers,
      collect() {
        const pool = poolOf(orm);
        if (pool) this.set(pool.max);
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  /** What GET /metrics answers: this registry, or in a cluster worker every worker's (clusterMetrics.ts). */
  scrape: () => Promise<string> = () => this.registry.metrics();

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.scrape();
  }

  /** Stops listening to the process-wide argon2 gate. */
  close(): void {
    this.stopObservingHashes();
  }
}

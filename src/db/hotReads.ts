import type { EntityData } from '@mikro-orm/core';
import type { Ship, User } from '../entities';
import { parseDatabaseUrl } from './databaseUrl';
import type { Orm } from './orm';
import { openSqliteReader } from './sqliteReader';

// The reads that authenticate a request, run on every request so that revocation, deletion, a
// password change and a lockout are seen at once by every instance. They are the hot path, so
// they skip the query builder, SQL compilation and entity hydration: fixed statements, prepared
// once per connection. They read outside any transaction an EntityManager has open.
//
// - liveUser: every token-authenticated request. The token's user, provided no revocation entry
//   covers the token (its jti, family or chain); the row is mapped to plain data by MikroORM's own
//   result mapper (column names, dates).
// - loginRows and attemptLogs: Basic user:password (and every password login). The account's row
//   by a login identifier, and two throttle logs.
// - shipsAfter and shipById: TX's unpaginated ship list, a batch at a time (services/ships.ts,
//   shipBatches), so a 100k-ship list does not make 200 round trips through the ORM's driver, and
//   TX's one ship, which a client fetches while such a list streams.

/** The user row without its password hash, as plain data (no entity, no identity map). */
export type LiveUser = Omit<User, 'passwordHash'>;

/** A user row with its password hash, as plain data. */
export type LoginUser = LiveUser & Pick<User, 'passwordHash'>;

export interface HotReads {
  /** Up to three revocation keys; null when the user is gone or one of the keys is revoked. */
  liveUser(uuid: string, revocationKeys: string[]): Promise<LiveUser | null>;
  /** Raw `users` rows (at most 2) whose canonical column is `canonical`, or which have none and whose plain column is `identifier`. */
  loginRows(by: 'username' | 'email', canonical: string, identifier: string): Promise<Record<string, unknown>[]>;
  /** A raw `users` row as plain data, password hash included (MikroORM's result mapper, as liveUser's). */
  userOf(row: Record<string, unknown>): LoginUser;
  /** The attempt logs stored under two rate-limit keys (digests); a key without a log has no row. */
  attemptLogs(keys: [string, string]): Promise<{ key: string; attempts: string }[]>;
  /** Up to `limit` ships with ids above `afterId`, in id order, as raw rows (`roles` is JSON text on SQLite). */
  shipsAfter(afterId: number, limit: number): Promise<RawShipRow[]>;
  shipById(id: number): Promise<RawShipRow | undefined>;
  close(): Promise<void>;
}

/** A `ships` row under the entity's names, `roles` as JSON text on SQLite (the pg driver parses it). */
export type RawShipRow = Pick<Ship, 'id' | 'affiliation' | 'category' | 'crew' | 'length' | 'manufacturer' | 'model' | 'shipClass'> & {
  roles: string | string[];
};

interface Statement {
  /** node-postgres prepares a named statement once per connection. */
  name: string;
  /** The SQL with `p(n)` for the n-th parameter, 1-based. */
  sql(p: (n: number) => string): string;
}

const LIVE_COLUMNS =
  'id, uuid, username, username_canonical, email, email_canonical, first_name, last_name, token_version, kept_token_chain, created_at, updated_at';
const LIVE_USER: Statement = {
  name: 'hangar_live_user',
  sql: (p) => `select ${LIVE_COLUMNS} from users where uuid = ${p(1)} and not exists (select 1 from revoked_tokens where jti in (${p(2)}, ${p(3)}, ${p(4)}))`,
};
// The entity's columns, named: a prepared `select *` would fail on PostgreSQL ("cached plan must
// not change result type") once another instance's migration adds a column.
const loginBy = (columns: string, canonicalColumn: string, column: string): Statement => ({
  name: `hangar_login_by_${column}`,
  sql: (p) => `select ${columns} from users where ${canonicalColumn} = ${p(1)} or (${canonicalColumn} is null and ${column} = ${p(2)}) limit 2`,
});
const ATTEMPT_LOGS: Statement = {
  name: 'hangar_attempt_logs',
  sql: (p) => `select "key", attempts from rate_limit_buckets where "key" in (${p(1)}, ${p(2)})`,
};

const SHIP_COLUMNS = 'id, affiliation, category, crew, length, manufacturer, model, ship_class as "shipClass", roles';
const SHIPS_AFTER: Statement = {
  name: 'hangar_ships_after',
  sql: (p) => `select ${SHIP_COLUMNS} from ships where id > ${p(1)} order by id limit ${p(2)}`,
};
const SHIP_BY_ID: Statement = {
  name: 'hangar_ship_by_id',
  sql: (p) => `select ${SHIP_COLUMNS} from ships where id = ${p(1)}`,
};

/** Three keys exactly, so the statement stays one; a refresh token's two repeat its jti. */
function paddedKeys(keys: string[]): [string, string, string] {
  if (keys.length < 1 || keys.length > 3) throw new Error(`revocation keys: ${keys.length}`);
  return [keys[0]!, keys[1] ?? keys[0]!, keys[2] ?? keys[0]!];
}

interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}
interface KnexClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<unknown>;
}

type Run = (statement: Statement, params: unknown[]) => Promise<unknown[]>;

/** Each statement's SQL with the engine's placeholders, built on first use. */
function sqlTexts(placeholder: (n: number) => string): (statement: Statement) => string {
  const texts = new Map<Statement, string>();
  return (statement) => {
    let text = texts.get(statement);
    if (text === undefined) texts.set(statement, (text = statement.sql(placeholder)));
    return text;
  };
}

/** How each engine runs a statement, and what closing it takes. */
function runner(orm: Orm, databaseUrl: string): { run: Run; close(): Promise<void> } {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.kind === 'postgresql') {
    // The connection comes from knex's pool, so its timeouts and outage handling apply as to any query.
    const knexClient = orm.em.getConnection().getKnex().client as unknown as KnexClient;
    const textOf = sqlTexts((n) => `$${n}`);
    return {
      async run(statement, values) {
        const text = textOf(statement);
        const connection = (await knexClient.acquireConnection()) as PgClient;
        try {
          return (await connection.query({ name: statement.name, text, values })).rows;
        } finally {
          await knexClient.releaseConnection(connection);
        }
      },
      close: async () => undefined,
    };
  }
  const textOf = sqlTexts(() => '?');
  if (target.file === ':memory:') {
    // An in-memory database exists only on the pool's one connection.
    return {
      run: async (statement, params) => (await orm.em.getConnection().execute(textOf(statement), params)) as unknown[],
      close: async () => undefined,
    };
  }
  // A SQLite file: the pool has one connection, which every write and transaction queues for.
  // These reads get a read-only connection of their own that runs them on this thread.
  const reader = openSqliteReader(target.file);
  return {
    run: async (statement, params) => reader.statement(textOf(statement)).all(...params),
    close: async () => reader.close(),
  };
}

export function createHotReads(orm: Orm, databaseUrl: string): HotReads {
  const meta = orm.getMetadata().get('User');
  const driver = orm.em.getDriver();
  const { run, close } = runner(orm, databaseUrl);
  const columns = meta.props
    .filter((prop) => prop.kind === 'scalar' && prop.persist !== false)
    .flatMap((prop) => prop.fieldNames)
    .join(', ');
  const login = { username: loginBy(columns, 'username_canonical', 'username'), email: loginBy(columns, 'email_canonical', 'email') };
  return {
    async liveUser(uuid, keys) {
      const [row] = await run(LIVE_USER, [uuid, ...paddedKeys(keys)]);
      return row ? (driver.mapResult(row as EntityData<User>, meta) as LiveUser) : null;
    },
    userOf: (row) => driver.mapResult(row as EntityData<User>, meta) as LoginUser,
    loginRows: (by, canonical, identifier) => run(login[by], [canonical, identifier]) as Promise<Record<string, unknown>[]>,
    attemptLogs: (keys) => run(ATTEMPT_LOGS, keys) as Promise<{ key: string; attempts: string }[]>,
    shipsAfter: (afterId, limit) => run(SHIPS_AFTER, [afterId, limit]) as Promise<RawShipRow[]>,
    shipById: async (id) => (await run(SHIP_BY_ID, [id]))[0] as RawShipRow | undefined,
    close,
  };
}

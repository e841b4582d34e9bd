import type { EntityData } from '@mikro-orm/core';
import type { Ship, User } from '../entities';
import { parseDatabaseUrl } from './databaseUrl';
import type { Orm } from './orm';
import { openSqliteReader } from './sqliteReader';
import { poolStatements, sqlTexts, type RunStatement, type Statement } from './statements';
import { UnchangedAnswers } from './unchangedAnswers';

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

/** The first row only: better-sqlite3 then builds one row object, not an array of them. */
type RunOne = (statement: Statement, params: unknown[]) => Promise<unknown>;

/** The reader's own connection, synchronous (a SQLite file). */
interface SyncReads {
  one(statement: Statement, params: unknown[]): unknown;
  dataVersion(): number;
}

/** How each engine runs a statement, and what closing it takes. */
function runner(orm: Orm, databaseUrl: string): { run: RunStatement; one: RunOne; sync?: SyncReads; close(): Promise<void> } {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.kind === 'postgresql' || target.file === ':memory:') {
    // PostgreSQL, or an in-memory database, which exists only on the pool's one connection.
    const run = poolStatements(orm, databaseUrl);
    return { run, one: async (statement, params) => (await run(statement, params))[0], close: async () => undefined };
  }
  // A SQLite file: the pool has one connection, which every write and transaction queues for.
  // These reads get a read-only connection of their own that runs them on this thread.
  const reader = openSqliteReader(target.file);
  const textOf = sqlTexts(() => '?');
  const sync: SyncReads = { one: (statement, params) => reader.statement(textOf(statement)).get(...params), dataVersion: reader.dataVersion };
  return {
    run: async (statement, params) => reader.statement(textOf(statement)).all(...params),
    one: async (statement, params) => sync.one(statement, params),
    sync,
    close: async () => reader.close(),
  };
}

/** Live-user answers kept at most (UnchangedAnswers starts over when full). */
const LIVE_ANSWERS = 10_000;

export function createHotReads(orm: Orm, databaseUrl: string): HotReads {
  const meta = orm.getMetadata().get('User');
  const driver = orm.em.getDriver();
  const { run, one, sync, close } = runner(orm, databaseUrl);
  const mapLive = (row: unknown) => (row ? (driver.mapResult(row as EntityData<User>, meta) as LiveUser) : null);
  // On a SQLite file every instance shares, the token path asks the database whether anything at
  // all was committed since the last answers (data_version, a third of the lookup's cost) and
  // answers from them when nothing was. They are shared between requests, so they are frozen.
  const liveAnswers = sync ? new UnchangedAnswers<LiveUser | null>(sync.dataVersion, LIVE_ANSWERS) : null;
  const columns = meta.props
    .filter((prop) => prop.kind === 'scalar' && prop.persist !== false)
    .flatMap((prop) => prop.fieldNames)
    .join(', ');
  const login = { username: loginBy(columns, 'username_canonical', 'username'), email: loginBy(columns, 'email_canonical', 'email') };
  return {
    async liveUser(uuid, keys) {
      const params = [uuid, ...paddedKeys(keys)];
      if (!liveAnswers || !sync) return mapLive(await one(LIVE_USER, params));
      return liveAnswers.get(params.join('\n'), () => Object.freeze(mapLive(sync.one(LIVE_USER, params))));
    },
    userOf: (row) => driver.mapResult(row as EntityData<User>, meta) as LoginUser,
    loginRows: (by, canonical, identifier) => run(login[by], [canonical, identifier]) as Promise<Record<string, unknown>[]>,
    attemptLogs: (keys) => run(ATTEMPT_LOGS, keys) as Promise<{ key: string; attempts: string }[]>,
    shipsAfter: (afterId, limit) => run(SHIPS_AFTER, [afterId, limit]) as Promise<RawShipRow[]>,
    shipById: (id) => one(SHIP_BY_ID, [id]) as Promise<RawShipRow | undefined>,
    close,
  };
}

import type { EntityData } from '@mikro-orm/core';
import type { User } from '../entities';
import { parseDatabaseUrl } from './databaseUrl';
import type { Orm } from './orm';

// The one query every token-authenticated request makes: the token's user, provided no revocation
// entry covers the token (its jti, family or chain). It runs on every request so that revocation,
// deletion and a password change are seen at once by every instance; it is the hot path, so it
// skips the query builder, SQL compilation and entity hydration: one fixed statement, prepared
// once, its row mapped to plain data by MikroORM's own result mapper (column names, dates).

/** The user row without its password hash, as plain data (no entity, no identity map). */
export type LiveUser = Omit<User, 'passwordHash'>;

export interface LiveUserLookup {
  /** Up to three revocation keys; null when the user is gone or one of the keys is revoked. */
  find(uuid: string, revocationKeys: string[]): Promise<LiveUser | null>;
  close(): Promise<void>;
}

const COLUMNS =
  'id, uuid, username, username_canonical, email, email_canonical, first_name, last_name, token_version, kept_token_chain, created_at, updated_at';
const sql = (p: (n: number) => string) =>
  `select ${COLUMNS} from users where uuid = ${p(1)} and not exists (select 1 from revoked_tokens where jti in (${p(2)}, ${p(3)}, ${p(4)}))`;

/** Three keys exactly, so the statement stays one; a refresh token's two repeat its jti. */
function paddedKeys(keys: string[]): [string, string, string] {
  if (keys.length < 1 || keys.length > 3) throw new Error(`revocation keys: ${keys.length}`);
  return [keys[0]!, keys[1] ?? keys[0]!, keys[2] ?? keys[0]!];
}

interface SqliteStatement {
  get(params: unknown[], done: (err: Error | null, row: unknown) => void): void;
  finalize(done: () => void): void;
}
interface SqliteDatabase {
  exec(sql: string, done: (err: Error | null) => void): void;
  prepare(sql: string, done: (err: Error | null) => void): SqliteStatement;
  close(done: (err: Error | null) => void): void;
}
interface SqliteModule {
  Database: new (file: string, mode: number, done: (err: Error | null) => void) => SqliteDatabase;
  OPEN_READONLY: number;
}
interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}
interface KnexClient {
  driver: unknown;
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<unknown>;
}

export function createLiveUserLookup(orm: Orm, databaseUrl: string): LiveUserLookup {
  const meta = orm.getMetadata().get('User');
  const driver = orm.em.getDriver();
  const map = (row: unknown) => (row ? (driver.mapResult(row as EntityData<User>, meta) as LiveUser) : null);
  const knexClient = orm.em.getConnection().getKnex().client as unknown as KnexClient;
  const target = parseDatabaseUrl(databaseUrl);

  if (target.kind === 'postgresql') {
    // A named statement: node-postgres parses and plans it once per pooled connection. The
    // connection comes from knex's pool, so its timeouts and outage handling apply as to any query.
    const statement = { name: 'hangar_live_user', text: sql((n) => `$${n}`) };
    return {
      async find(uuid, keys) {
        const connection = (await knexClient.acquireConnection()) as PgClient;
        try {
          const { rows } = await connection.query({ ...statement, values: [uuid, ...paddedKeys(keys)] });
          return map(rows[0]);
        } finally {
          await knexClient.releaseConnection(connection);
        }
      },
      close: async () => undefined,
    };
  }

  if (target.file === ':memory:') {
    // An in-memory database exists only on the pool's one connection.
    const text = sql(() => '?');
    return {
      async find(uuid, keys) {
        const rows = (await orm.em.getConnection().execute(text, [uuid, ...paddedKeys(keys)])) as unknown[];
        return map(rows[0]);
      },
      close: async () => undefined,
    };
  }

  // SQLite: the pool has one connection, which every write and transaction queues for. Reads get
  // a connection of their own, read-only, with the statement prepared on it once. In WAL mode
  // each read sees every transaction committed before it began, from any process.
  const sqlite = knexClient.driver as SqliteModule;
  let opened: Promise<{ db: SqliteDatabase; statement: SqliteStatement }> | undefined;
  const open = () =>
    (opened ??= new Promise((resolve, reject) => {
      const db = new sqlite.Database(target.file, sqlite.OPEN_READONLY, (err) => {
        if (err) return reject(err);
        db.exec('PRAGMA busy_timeout = 10000;', (pragmaErr) => {
          if (pragmaErr) return reject(pragmaErr);
          const statement = db.prepare(
            sql(() => '?'),
            (prepareErr) => (prepareErr ? reject(prepareErr) : resolve({ db, statement })),
          );
        });
      });
    }).catch((error) => {
      opened = undefined;
      throw error;
    }) as Promise<{ db: SqliteDatabase; statement: SqliteStatement }>);
  return {
    async find(uuid, keys) {
      const { statement } = await open();
      const row = await new Promise<unknown>((resolve, reject) =>
        statement.get([uuid, ...paddedKeys(keys)], (err, found) => (err ? reject(err) : resolve(found))),
      );
      return map(row);
    },
    async close() {
      if (!opened) return;
      const { db, statement } = await opened.catch(() => ({ db: undefined, statement: undefined }));
      opened = undefined;
      if (!db || !statement) return;
      await new Promise<void>((resolve) => statement.finalize(resolve));
      await new Promise<void>((resolve, reject) => db.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

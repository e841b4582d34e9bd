import { parseDatabaseUrl } from './databaseUrl';
import type { Orm } from './orm';

// Fixed SQL run straight on a connection of the ORM's pool, past MikroORM's query builder, SQL
// compilation and knex's runner. For the statements on the authentication path (db/hotReads.ts,
// the throttle in services/rateLimits.ts): in a login storm, building and running the throttle's
// four writes through the query builder took about 3 of the 10 ms of CPU a login cost the server
// outside argon2. The pool's timeouts and outage handling apply as to any query.

export interface Statement {
  /** node-postgres prepares a named statement once per connection. */
  name: string;
  /** The SQL with `p(n)` for the n-th parameter, 1-based; a parameter may appear more than once. */
  sql(p: (n: number) => string): string;
}

/** Runs a statement with its parameters; the rows it returns (none for a write without `returning`). */
export type RunStatement = (statement: Statement, params: unknown[]) => Promise<unknown[]>;

/** Each statement's SQL with the engine's placeholders, built on first use. */
export function sqlTexts(placeholder: (n: number) => string): (statement: Statement) => string {
  const texts = new Map<Statement, string>();
  return (statement) => {
    let text = texts.get(statement);
    if (text === undefined) texts.set(statement, (text = statement.sql(placeholder)));
    return text;
  };
}

interface KnexClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<unknown>;
}
interface PgConnection {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}
interface SqliteConnection {
  all(sql: string, params: unknown[], done: (error: Error | null, rows: unknown[]) => void): void;
}

/**
 * Statements on a pooled connection: named (prepared once per connection) on PostgreSQL; on SQLite
 * the sqlite3 driver's own connection, the one writer every write queues for, with numbered
 * parameters. A statement runs outside any transaction an EntityManager has open, so it must not
 * be run from inside one on SQLite: the pool's single connection would be waiting for itself.
 */
export function poolStatements(orm: Orm, databaseUrl: string): RunStatement {
  const client = orm.em.getConnection().getKnex().client as unknown as KnexClient;
  if (parseDatabaseUrl(databaseUrl).kind === 'postgresql') {
    const textOf = sqlTexts((n) => `$${n}`);
    return async (statement, values) => {
      const text = textOf(statement);
      const connection = (await client.acquireConnection()) as PgConnection;
      try {
        return (await connection.query({ name: statement.name, text, values })).rows;
      } finally {
        await client.releaseConnection(connection);
      }
    };
  }
  const textOf = sqlTexts((n) => `?${n}`);
  return async (statement, params) => {
    const text = textOf(statement);
    const connection = (await client.acquireConnection()) as SqliteConnection;
    try {
      return await new Promise<unknown[]>((resolve, reject) => connection.all(text, params, (error, rows) => (error ? reject(error) : resolve(rows))));
    } finally {
      await client.releaseConnection(connection);
    }
  };
}

import { createRequire } from 'node:module';

// A read-only connection to a SQLite file for the hot reads (db/hotReads.ts), through
// better-sqlite3, which runs a statement on the calling thread. The ORM's driver (sqlite3) sends
// every statement to libuv's thread pool and back: on a 2-core machine that hop cost more CPU than
// everything else a token-authenticated request does. A point lookup on an index takes
// microseconds here; in WAL mode a reader never waits for the writer, and sees every transaction
// committed before its statement began, from any process.

export interface ReaderStatement {
  all(...params: unknown[]): unknown[];
  /** The first row, or undefined; it stops there, where all() would step on to the end. */
  get(...params: unknown[]): unknown;
}

interface BetterSqliteDatabase {
  prepare(source: string): ReaderStatement;
  close(): void;
}

type BetterSqlite = new (file: string, options: { readonly: boolean; fileMustExist: boolean; timeout: number }) => BetterSqliteDatabase;

/**
 * How long a read waits on a lock before failing with SQLITE_BUSY (a 503). A WAL reader meets one
 * only while another connection recovers the WAL index after a crash; the wait blocks the event
 * loop, so it is short.
 */
const BUSY_TIMEOUT_MS = 1000;

export interface SqliteReader {
  /** Prepared once per source text, on a connection opened on first use. */
  statement(source: string): ReaderStatement;
  /**
   * SQLite's data_version: it changes whenever another connection, in this process or any other,
   * commits to the database. This connection never writes, so unchanged means nothing changed.
   */
  dataVersion(): number;
  close(): void;
}

export function openSqliteReader(file: string): SqliteReader {
  let db: BetterSqliteDatabase | undefined;
  const statements = new Map<string, ReaderStatement>();
  const reader: SqliteReader = {
    statement(source) {
      let statement = statements.get(source);
      if (!statement) {
        if (!db) {
          const Database = createRequire(import.meta.url)('better-sqlite3') as BetterSqlite;
          db = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
        }
        statement = db.prepare(source);
        statements.set(source, statement);
      }
      return statement;
    },
    dataVersion: () => (reader.statement('pragma data_version').get() as { data_version: number }).data_version,
    close() {
      statements.clear();
      db?.close();
      db = undefined;
    },
  };
  return reader;
}

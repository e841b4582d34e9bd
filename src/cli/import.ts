// `npm run import -- <kind> <path> [options]`: moves a Flask original's users (and ships, and HB
// sessions) into Hangar's database. All of it lives in runImport, which the `hangar` CLI calls too.

import { realpathSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setHashConcurrency } from '../auth/passwords';
import { ConfigError, loadConfig } from '../config';
import { DatabaseUrlError, parseDatabaseUrl } from '../db/databaseUrl';
import { DatabaseStartupError, initORM } from '../db/orm';
import { readStore } from '../import/readStore';
import { STORE_KINDS, StoreInputError, type StoreKind } from '../import/store';
import { ImportConflictError, importStore, type ConflictPolicy, type ImportReport } from '../services/importStore';

export interface ImportIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** The environment loadConfig reads; process.env when absent. */
  env?: Record<string, string | undefined>;
}

export const IMPORT_USAGE = `Usage: import <kind> <path> [--on-conflict fail|skip] [--dry-run] [--json] [--database URL]
  kind   ra  REST-auth's SQLite file (users: id, username, password_hash)
         hb  Holberton's .db_User.json (with .db_UserSession.json beside it, if there is one)
         tx  Toxe's data.json (users with plain-text passwords, ships)
  --on-conflict fail   (default) a record whose id, username or email is taken stops the import; nothing is written
  --on-conflict skip   such records are left out and reported; the rest is imported
  --dry-run            report what would happen, write nothing
  --json               print the report as one JSON object
  --database URL       the database to import into (default: DATABASE_URL)`;

class UsageError extends Error {}

interface ImportArgs {
  kind: StoreKind;
  path: string;
  onConflict: ConflictPolicy;
  dryRun: boolean;
  json: boolean;
  database: string | null;
}

function parseArgs(args: string[]): ImportArgs | 'help' {
  const positional: string[] = [];
  let onConflict: ConflictPolicy = 'fail';
  let dryRun = false;
  let json = false;
  let database: string | null = null;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (name === '-h' || name === '--help') return 'help';
    else if (name === '--dry-run') dryRun = true;
    else if (name === '--json') json = true;
    else if (name === '--database') database = value();
    else if (name === '--on-conflict') {
      const policy = value();
      if (policy !== 'skip' && policy !== 'fail') throw new UsageError(`--on-conflict must be skip or fail, got "${policy}"`);
      onConflict = policy;
    } else if (name.startsWith('-') && name !== '-') throw new UsageError(`unknown option ${name}`);
    else positional.push(arg);
  }
  if (positional.length !== 2) throw new UsageError(positional.length < 2 ? 'expected a kind and a path' : `unexpected argument "${positional[2]}"`);
  const [kind, path] = positional as [string, string];
  if (!(STORE_KINDS as readonly string[]).includes(kind)) throw new UsageError(`unknown kind "${kind}" (expected ${STORE_KINDS.join(', ')})`);
  return { kind: kind as StoreKind, path, onConflict, dryRun, json, database };
}

/** A one-line progress bar on stderr, redrawn at most ten times a second; only on a terminal. */
function progressBar(stderr: ImportIo['stderr']) {
  let last = 0;
  let shown = false;
  return {
    update(phase: string, done: number, total: number) {
      const now = Date.now();
      if (done < total && now - last < 100) return;
      last = now;
      const width = Math.max(10, Math.min(40, (stderr.columns ?? 80) - phase.length - 30));
      const filled = total === 0 ? width : Math.round((done / total) * width);
      stderr.write(`\r${phase} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}\x1b[K`);
      shown = true;
    },
    clear() {
      if (shown) stderr.write('\r\x1b[K');
    },
  };
}

function counts(label: string, c: ImportReport['users'], dryRun: boolean): string {
  return `${label}: ${c.imported} ${dryRun ? 'to import' : 'imported'}, ${c.present} already present, ${c.skipped} skipped`;
}

function textReport(report: ImportReport): string[] {
  const lines = [`${report.dryRun ? 'Dry run (nothing is written): ' : ''}${report.kind} store ${report.files.join(' + ')}, on conflict: ${report.onConflict}`];
  const action = report.onConflict === 'skip' ? 'skipped' : 'stops the import';
  for (const c of report.conflicts) lines.push(`conflict: ${c.file}: ${c.record}: ${c.reason} (${action})`);
  for (const s of report.skipped) lines.push(`skipped: ${s.file}: ${s.record}: ${s.reason}`);
  lines.push(counts('users', report.users, report.dryRun));
  if (report.kind === 'tx') lines.push(counts('ships', report.ships, report.dryRun));
  if (report.kind === 'hb') lines.push(counts('sessions', report.sessions, report.dryRun));
  if (report.kind === 'tx') lines.push(`passwords ${report.dryRun ? 'to hash' : 'hashed'} with argon2id: ${report.passwordsHashed}`);
  lines.push(`accounts still carrying legacy password hashes: ${report.legacyPasswordHashes}`);
  if (!report.ok) {
    lines.push(
      `import failed: ${report.conflicts.length} conflict(s), nothing ${report.dryRun ? 'would be' : 'was'} written (--on-conflict skip imports the other records)`,
    );
  }
  return lines;
}

export async function runImport(args: string[], io: ImportIo): Promise<number> {
  const fail = (message: string, code = 1) => {
    io.stderr.write(`import: ${message}\n`);
    return code;
  };
  let parsed: ImportArgs | 'help';
  try {
    parsed = parseArgs(args);
  } catch (error) {
    if (error instanceof UsageError) return fail(`${error.message}\n${IMPORT_USAGE}`, 2);
    throw error;
  }
  if (parsed === 'help') {
    io.stdout.write(`${IMPORT_USAGE}\n`);
    return 0;
  }
  const options = parsed;
  try {
    const config = loadConfig(io.env);
    if (options.database !== null) {
      parseDatabaseUrl(options.database);
      config.databaseUrl = options.database;
    }
    const store = await readStore(options.kind, options.path);
    setHashConcurrency(Math.max(config.argon2Concurrency, availableParallelism()));
    const bar = io.stderr.isTTY && !options.json ? progressBar(io.stderr) : null;
    const orm = await initORM({ ...config, databaseStatementTimeoutMs: 0 });
    let report: ImportReport;
    try {
      report = await importStore(orm.em.fork(), store, {
        onConflict: options.onConflict,
        dryRun: options.dryRun,
        now: Date.now(),
        sessionSeconds: config.sessionSeconds,
        onProgress: bar ? (phase, done, total) => bar.update(phase, done, total) : undefined,
      });
    } catch (error) {
      if (!(error instanceof ImportConflictError)) throw error;
      report = error.report;
    } finally {
      bar?.clear();
      await orm.close();
    }
    io.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${textReport(report).join('\n')}\n`);
    return report.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof StoreInputError || error instanceof DatabaseStartupError) return fail(error.message);
    if (error instanceof DatabaseUrlError) return fail(`--database: ${error.message}`);
    if (error instanceof ConfigError) return fail(error.problems.join('; '));
    return fail(`${options.kind} store ${options.path}: ${(error as Error).message.split('\n')[0]}`);
  }
}

function isMain(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  runImport(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`import: ${error.message.split('\n')[0]}\n`);
      process.exit(1);
    },
  );
}

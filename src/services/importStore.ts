import { randomUUID } from 'node:crypto';
import type { SqlEntityManager as EntityManager } from '@mikro-orm/knex';
import { canonicalEmail, canonicalUsername } from '../auth/identifiers';
import { hashPassword } from '../auth/passwords';
import { resetIdSequences } from '../db/sequences';
import { Session, Ship, User } from '../entities';
import type { Store, StoreKind, StoreSession, StoreShip, StoreUser } from '../import/store';
import { countLegacyPasswordHashes } from './legacyPasswords';
import { hashSessionId } from './sessions';

// Writes a store read from a Flask original (src/import/) into Hangar's database, in one
// transaction: a failure leaves the database as it was. A record whose id, username or email is
// taken is a conflict, handled by the policy (`fail`, the default: nothing is written; `skip`: the
// rest is). A record already imported by an earlier run (same id and same identifiers, or the
// same ship, or the same session) counts as present and is not written again, so a second run of
// the same file imports nothing twice.

export type ConflictPolicy = 'skip' | 'fail';

export interface ImportOptions {
  onConflict: ConflictPolicy;
  dryRun: boolean;
  /** Now, in ms: timestamps the originals lack, and HB sessions' expiry. */
  now: number;
  /** SESSION_DURATION: an HB session older than this (from its created_at) is not imported. */
  sessionSeconds: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface Counts {
  imported: number;
  present: number;
  skipped: number;
}

export interface ReportLine {
  file: string;
  record: string;
  reason: string;
}

export interface ImportReport {
  kind: StoreKind;
  files: string[];
  dryRun: boolean;
  onConflict: ConflictPolicy;
  /** False when conflicts under `fail` stopped the import (nothing was written). */
  ok: boolean;
  users: Counts;
  sessions: Counts;
  ships: Counts;
  /** Records that collided with a user or ship already there (or earlier in the file). */
  conflicts: ReportLine[];
  /** Records left out for another reason (an expired session, a session of a skipped user). */
  skipped: ReportLine[];
  /** Plain-text passwords hashed with argon2id (TX), or that would be. */
  passwordsHashed: number;
  /** Accounts in the database still carrying a legacy hash, after the import. */
  legacyPasswordHashes: number;
}

interface Holder {
  describe: string;
}

interface Existing {
  byId: Map<number, { username: string; usernameCanonical: string; emailCanonical: string | null }>;
  byUuid: Map<string, { id: number; usernameCanonical: string; emailCanonical: string | null; username: string }>;
  byUsername: Map<string, Holder>;
  byEmail: Map<string, Holder>;
  ships: Map<number, string>;
  sessionHashes: Set<string>;
}

interface Plan {
  report: ImportReport;
  users: StoreUser[];
  ships: StoreShip[];
  /** Sessions to write, with the uuid of their (imported or present) user. */
  sessions: { session: StoreSession; idHash: string }[];
}

const BATCH = 500;

export class ImportConflictError extends Error {
  override name = 'ImportConflictError';
  constructor(readonly report: ImportReport) {
    super(`${report.conflicts.length} conflict(s); nothing was written`);
  }
}

const emptyCounts = (): Counts => ({ imported: 0, present: 0, skipped: 0 });

async function loadExisting(em: EntityManager, store: Store): Promise<Existing> {
  const existing: Existing = { byId: new Map(), byUuid: new Map(), byUsername: new Map(), byEmail: new Map(), ships: new Map(), sessionHashes: new Set() };
  const users = await em.execute<
    { id: number; uuid: string; username: string; username_canonical: string | null; email: string | null; email_canonical: string | null }[]
  >('select id, uuid, username, username_canonical, email, email_canonical from users');
  for (const row of users) {
    const usernameCanonical = row.username_canonical ?? canonicalUsername(row.username);
    const emailCanonical = row.email_canonical ?? (row.email === null ? null : canonicalEmail(row.email));
    const id = Number(row.id);
    existing.byId.set(id, { username: row.username, usernameCanonical, emailCanonical });
    existing.byUuid.set(row.uuid.toLowerCase(), { id, username: row.username, usernameCanonical, emailCanonical });
    const holder = { describe: `user ${id} ("${row.username}")` };
    existing.byUsername.set(usernameCanonical, holder);
    if (emailCanonical !== null) existing.byEmail.set(emailCanonical, holder);
  }
  if (store.ships.length > 0) {
    const ships = await em.execute<Record<string, unknown>[]>(
      'select id, affiliation, category, crew, length, manufacturer, model, ship_class, roles from ships',
    );
    for (const row of ships) {
      const roles = typeof row.roles === 'string' ? (JSON.parse(row.roles) as string[]) : (row.roles as string[]);
      existing.ships.set(Number(row.id), shipKey({ ...(row as Omit<StoreShip, 'roles'>), shipClass: String(row.ship_class), roles }));
    }
  }
  if (store.sessions.length > 0) {
    for (const row of await em.execute<{ id_hash: string }[]>('select id_hash from sessions')) existing.sessionHashes.add(row.id_hash);
  }
  return existing;
}

function shipKey(ship: Pick<StoreShip, 'affiliation' | 'category' | 'crew' | 'length' | 'manufacturer' | 'model' | 'shipClass' | 'roles'>): string {
  return JSON.stringify([ship.affiliation, ship.category, Number(ship.crew), Number(ship.length), ship.manufacturer, ship.model, ship.shipClass, ship.roles]);
}

function plan(existing: Existing, store: Store, options: ImportOptions): Plan {
  const report: ImportReport = {
    kind: store.kind,
    files: store.files,
    dryRun: options.dryRun,
    onConflict: options.onConflict,
    ok: true,
    users: emptyCounts(),
    sessions: emptyCounts(),
    ships: emptyCounts(),
    conflicts: [],
    skipped: [],
    passwordsHashed: 0,
    legacyPasswordHashes: 0,
  };
  const conflict = (record: { file: string; record: string }, reason: string) => report.conflicts.push({ file: record.file, record: record.record, reason });
  const users: StoreUser[] = [];
  const userUuids = new Set<string>();
  const ids = new Map<number, string>();
  const uuids = new Map<string, string>();

  for (const user of store.users) {
    const usernameCanonical = canonicalUsername(user.username);
    const emailCanonical = user.email === null ? null : canonicalEmail(user.email);
    const sameAccount = (row: { usernameCanonical: string; emailCanonical: string | null }) =>
      row.usernameCanonical === usernameCanonical && row.emailCanonical === emailCanonical;
    const row = user.id !== null ? existing.byId.get(user.id) : existing.byUuid.get(user.uuid!);
    const keyText = user.id !== null ? `id ${user.id}` : `id "${user.uuid}"`;
    const earlier = user.id !== null ? ids.get(user.id) : uuids.get(user.uuid!);
    let problem: string | null = null;
    if (earlier) problem = `${keyText} is used again (first by ${earlier})`;
    else if (row && sameAccount(row)) {
      report.users.present += 1;
      if (user.uuid) userUuids.add(user.uuid);
      continue;
    } else if (row) problem = `${keyText} is taken by user "${row.username}"`;
    else if (emailCanonical !== null && existing.byEmail.has(emailCanonical))
      problem = `email "${user.email}" is taken by ${existing.byEmail.get(emailCanonical)!.describe}`;
    else if (existing.byUsername.has(usernameCanonical))
      problem = `username "${user.username}" is taken by ${existing.byUsername.get(usernameCanonical)!.describe}`;
    if (problem) {
      conflict(user, problem);
      report.users.skipped += 1;
      continue;
    }
    const holder = { describe: `${user.record} of this file` };
    existing.byUsername.set(usernameCanonical, holder);
    if (emailCanonical !== null) existing.byEmail.set(emailCanonical, holder);
    if (user.id !== null) ids.set(user.id, user.record);
    if (user.uuid !== null) {
      uuids.set(user.uuid, user.record);
      userUuids.add(user.uuid);
    }
    users.push(user);
    report.users.imported += 1;
    if (user.password !== null) report.passwordsHashed += 1;
  }

  const ships: StoreShip[] = [];
  const shipIds = new Map<number, string>();
  for (const ship of store.ships) {
    const taken = existing.ships.get(ship.id);
    if (shipIds.has(ship.id)) conflict(ship, `id ${ship.id} is used again (first by ${shipIds.get(ship.id)})`);
    else if (taken === shipKey(ship)) {
      report.ships.present += 1;
      continue;
    } else if (taken !== undefined) conflict(ship, `id ${ship.id} is taken by a different ship`);
    else {
      shipIds.set(ship.id, ship.record);
      ships.push(ship);
      report.ships.imported += 1;
      continue;
    }
    report.ships.skipped += 1;
  }

  const sessions: Plan['sessions'] = [];
  const seen = new Set(existing.sessionHashes);
  for (const session of store.sessions) {
    const idHash = hashSessionId(session.sessionId);
    const expired = options.sessionSeconds > 0 && session.createdAt.getTime() + options.sessionSeconds * 1000 < options.now;
    let reason: string | null = null;
    if (seen.has(idHash)) {
      report.sessions.present += 1;
      continue;
    }
    if (!userUuids.has(session.userUuid)) {
      reason = store.users.some((user) => user.uuid === session.userUuid)
        ? `its user "${session.userUuid}" was not imported`
        : `user_id "${session.userUuid}" names no user of the store`;
    } else if (expired) reason = `expired (created ${session.createdAt.toISOString()}, SESSION_DURATION ${options.sessionSeconds} s)`;
    if (reason) {
      report.skipped.push({ file: session.file, record: session.record, reason });
      report.sessions.skipped += 1;
      continue;
    }
    seen.add(idHash);
    sessions.push({ session, idHash });
    report.sessions.imported += 1;
  }
  report.ok = report.conflicts.length === 0 || options.onConflict === 'skip';
  return { report, users, ships, sessions };
}

/** Hashes the plain-text passwords of `users` (TX) with argon2id, as many at once as the gate allows. */
async function hashPasswords(users: StoreUser[], hashes: Map<StoreUser, string>, onProgress: ImportOptions['onProgress']): Promise<void> {
  const todo = users.filter((user) => user.password !== null && !hashes.has(user));
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < todo.length) {
      const user = todo[next++]!;
      hashes.set(user, await hashPassword(user.password!));
      done += 1;
      onProgress?.('hashing passwords', done, todo.length);
    }
  };
  // The gate decides how many run; a few more in flight keep it busy.
  await Promise.all(Array.from({ length: Math.min(16, todo.length) }, worker));
}

async function insertInBatches<T>(
  tx: EntityManager,
  entity: typeof User | typeof Ship | typeof Session,
  rows: T[],
  phase: string,
  onProgress: ImportOptions['onProgress'],
): Promise<void> {
  for (let at = 0; at < rows.length; at += BATCH) {
    await tx.insertMany(entity as typeof User, rows.slice(at, at + BATCH) as never[]);
    onProgress?.(phase, Math.min(rows.length, at + BATCH), rows.length);
  }
}

async function write(tx: EntityManager, planned: Plan, hashes: Map<StoreUser, string>, options: ImportOptions): Promise<void> {
  const now = new Date(options.now);
  const users = planned.users.map((user) => ({
    ...(user.id === null ? {} : { id: user.id }),
    uuid: user.uuid ?? randomUUID(),
    username: user.username,
    usernameCanonical: canonicalUsername(user.username),
    email: user.email,
    emailCanonical: user.email === null ? null : canonicalEmail(user.email),
    firstName: user.firstName,
    lastName: user.lastName,
    passwordHash: user.passwordHash ?? hashes.get(user)!,
    tokenVersion: 0,
    keptTokenChain: null,
    createdAt: user.createdAt ?? now,
    updatedAt: user.updatedAt ?? user.createdAt ?? now,
  }));
  await insertInBatches(tx, User, users, 'writing users', options.onProgress);
  const ships = planned.ships.map(({ record: _r, file: _f, ...ship }) => ({ ...ship, createdBy: null, createdAt: now, updatedAt: now }));
  await insertInBatches(tx, Ship, ships, 'writing ships', options.onProgress);
  if (planned.sessions.length > 0) {
    const idsByUuid = new Map<string, number>();
    for (const row of await tx.execute<{ id: number; uuid: string }[]>('select id, uuid from users')) idsByUuid.set(row.uuid.toLowerCase(), Number(row.id));
    const sessions = planned.sessions.map(({ session, idHash }) => ({
      idHash,
      user: idsByUuid.get(session.userUuid)!,
      createdAt: session.createdAt,
      expiresAt: options.sessionSeconds > 0 ? new Date(session.createdAt.getTime() + options.sessionSeconds * 1000) : null,
    }));
    await insertInBatches(tx, Session, sessions, 'writing sessions', options.onProgress);
  }
  await resetIdSequences(tx, ['users', 'ships', 'sessions']);
}

/**
 * Imports the store. With `dryRun` it only reads and reports. Under `fail`, conflicts throw an
 * ImportConflictError carrying the report, and nothing is written.
 */
export async function importStore(em: EntityManager, store: Store, options: ImportOptions): Promise<ImportReport> {
  if (options.dryRun) {
    const { report } = plan(await loadExisting(em, store), store, options);
    report.legacyPasswordHashes = await countLegacyPasswordHashes(em);
    if (!report.ok) throw new ImportConflictError(report);
    return report;
  }
  // argon2 for TX's passwords runs before the transaction, so it is not held open for the hashing.
  const hashes = new Map<StoreUser, string>();
  const draft = plan(await loadExisting(em, store), store, options);
  if (!draft.report.ok) throw new ImportConflictError(draft.report);
  await hashPasswords(draft.users, hashes, options.onProgress);

  return em.transactional(async (tx) => {
    // Planned again inside the transaction: another writer may have come in meanwhile.
    const planned = plan(await loadExisting(tx, store), store, options);
    if (!planned.report.ok) throw new ImportConflictError(planned.report);
    await hashPasswords(planned.users, hashes, options.onProgress);
    await write(tx, planned, hashes, options);
    planned.report.legacyPasswordHashes = await countLegacyPasswordHashes(tx);
    return planned.report;
  });
}

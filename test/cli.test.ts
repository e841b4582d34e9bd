import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginDocument, MeDocument, OpenSessionDocument, RefreshTokenDocument, RevokeTokenDocument } from './operations/generated';
import { cliEvents, runCli } from './support/cli';
import { ENGINE, tempDatabase, type TestDatabase } from './support/database';
import { bearer, gql, startTestServer, TestClock, type TestServer } from './support/testServer';

// The admin CLI (issue 13, item 5) as an operator runs it: a real process on the database a
// running server uses, whose effects that server sees at once.

let db: TestDatabase;
let server: TestServer;
const hangar = (args: string[], options?: Parameters<typeof runCli>[2]) => runCli(db.url, args, options);

beforeAll(async () => {
  db = await tempDatabase();
  // The server's clock is the CLI's: the wall clock (the CLI reads no other unless HANGAR_NOW is set).
  server = await startTestServer({ databaseUrl: db.url, clock: new TestClock(Date.now()) });
});
afterAll(async () => {
  await server?.close();
  await db?.cleanup();
});

let users = 0;
/** A new account, created by the CLI with its password piped on stdin. */
async function createUser(prefix = 'cli'): Promise<{ username: string; password: string; id: number }> {
  users += 1;
  const username = `${prefix}-${users}`;
  const password = `${username}-Secret!`;
  const result = await hangar(['user', 'create', username, '--json'], { input: `${password}\n` });
  expect(result.code, result.stderr).toBe(0);
  return { username, password, id: (result.json().user as { id: number }).id };
}

async function login(username: string, password: string) {
  const { data } = await gql(server, LoginDocument, { username, password });
  return data?.login.__typename === 'TokenPair' ? data.login : null;
}

async function openSession(username: string, password: string): Promise<string> {
  const opened = await gql(server, OpenSessionDocument, { username, password });
  expect(opened.data?.openSession.__typename).toBe('OpenedSession');
  return opened.headers.get('set-cookie')!.split(';')[0]!;
}

const meWith = async (headers: Record<string, string>) => {
  const answer = await gql(server, MeDocument, undefined, headers);
  return answer.data?.me?.username ?? answer.status;
};

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+/);

// Each run is a process that loads the ORM; on a busy machine a dozen of them take a while.
const slow = { timeout: 120_000 };

describe(`hangar user (${ENGINE})`, slow, () => {
  it('creates an account whose password, piped on stdin, logs in over HTTP', async () => {
    const password = 'piped-Pa55word';
    const result = await hangar(['user', 'create', 'Dora', '--email', 'Dora@Example.com', '--first-name', 'Dora', '--json'], { input: `${password}\n` });
    expect(result.code, result.stderr).toBe(0);
    expect(result.json()).toEqual({
      user: {
        id: expect.any(Number),
        uuid: expect.any(String),
        username: 'Dora',
        email: 'Dora@Example.com',
        firstName: 'Dora',
        lastName: null,
        createdAt: expect.any(String),
      },
    });
    expect(result.stdout + result.stderr).not.toContain(password);
    // The services' rules: the email logs in case-insensitively, the username by its canonical form.
    expect(await login('dora@example.com', password)).not.toBeNull();
    expect(await login('dora', password)).not.toBeNull();
    expect(await login('Dora', 'wrong-password')).toBeNull();

    const text = await hangar(['user', 'create', 'Eve'], { input: 'eve-Pa55word\r\n' });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^Created user Eve \(id \d+\)\.\n$/);
    expect(await login('eve', 'eve-Pa55word')).not.toBeNull();
  });

  it('sets a password from stdin: the new one logs in, and every old session and token ends at once', async () => {
    const user = await createUser();
    const cookie = await openSession(user.username, user.password);
    const tokens = (await login(user.username, user.password))!;
    expect(await meWith({ cookie })).toBe(user.username);
    expect(await meWith({ authorization: bearer(tokens.accessToken) })).toBe(user.username);

    const result = await hangar(['user', 'password', user.username, '--json'], { input: 'brand-New-pass\n' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.json()).toMatchObject({ user: { id: user.id, username: user.username }, passwordChanged: true });
    expect(cliEvents(result.stderr)).toContainEqual(
      expect.objectContaining({ event: 'session_closed', userId: user.id, reason: 'password_changed', ip: 'cli' }),
    );

    expect(await login(user.username, user.password)).toBeNull();
    expect(await login(user.username, 'brand-New-pass')).not.toBeNull();
    expect(await meWith({ cookie })).not.toBe(user.username);
    expect(await meWith({ authorization: bearer(tokens.accessToken) })).toBe(401);
    const refreshed = await gql(server, RefreshTokenDocument, { refreshToken: tokens.refreshToken });
    expect(refreshed.data?.refreshToken.__typename).not.toBe('TokenPair');
  });

  it('applies the password policy and never takes a password from argv', async () => {
    const user = await createUser();
    const short = await hangar(['user', 'password', user.username, '--json'], { input: 'abc\n' });
    expect(short.code).toBe(4);
    expect(short.json()).toEqual({
      error: { code: 'invalid', message: 'password: Shorter than minimum length 4.', fields: { password: ['Shorter than minimum length 4.'] } },
    });
    const argv = await hangar(['user', 'password', user.username, '--password=hunter22']);
    expect(argv.code).toBe(2);
    expect(argv.stderr).toBe('hangar: passwords are never taken from the command line: type it at the prompt, or pipe it on stdin (see: hangar help user)\n');
    const empty = await hangar(['user', 'password', user.username]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^hangar: no password on stdin/);
    const twoLines = await hangar(['user', 'password', user.username], { input: 'one-pass\ntwo-pass\n' });
    expect(twoLines.code).toBe(2);
    expect(await login(user.username, user.password)).not.toBeNull();
  });

  it('refuses what registration refuses: a taken name, an invalid one, a bad email', async () => {
    const user = await createUser();
    const taken = await hangar(['user', 'create', user.username.toUpperCase(), '--json'], { input: 'some-pass\n' });
    expect(taken.code).toBe(5);
    expect(taken.json()).toEqual({ error: { code: 'conflict', message: 'username: User already exists.', field: 'username' } });
    const invalid = await hangar(['user', 'create', ' spaced'], { input: 'some-pass\n' });
    expect(invalid.code).toBe(4);
    expect(invalid.stderr).toBe('hangar: username: May not start or end with a space, or have two spaces in a row.\n');
    const email = await hangar(['user', 'create', 'mailless', '--email', 'not-an-email'], { input: 'some-pass\n' });
    expect(email.code).toBe(4);
    expect(email.stderr).toBe('hangar: email: Not a valid email address.\n');
  });

  it('deletes an account with --yes, and refuses without it when stdin is not a terminal', async () => {
    const user = await createUser();
    const cookie = await openSession(user.username, user.password);
    const refused = await hangar(['user', 'delete', user.username]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`hangar: not deleting ${user.username} (id ${user.id}) without --yes (stdin is not a terminal) (see: hangar help user)\n`);
    expect(await login(user.username, user.password)).not.toBeNull();

    // By id, as `hangar sessions list` and --json report it.
    const deleted = await hangar(['user', 'delete', String(user.id), '--yes', '--json']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.json()).toMatchObject({ deleted: { id: user.id, username: user.username } });
    expect(await login(user.username, user.password)).toBeNull();
    expect(await meWith({ cookie })).not.toBe(user.username);

    const again = await hangar(['user', 'delete', user.username, '--yes', '--json']);
    expect(again.code).toBe(1);
    expect(again.json()).toEqual({ error: { code: 'not_found', message: `user ${user.username} not found` } });
  });
});

describe(`hangar sessions and tokens (${ENGINE})`, slow, () => {
  it("lists a user's sessions and revokes one; the running server refuses its cookie at once", async () => {
    const user = await createUser();
    const [first, second] = [await openSession(user.username, user.password), await openSession(user.username, user.password)];
    const listed = await hangar(['sessions', 'list', user.username, '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const { sessions } = listed.json() as { sessions: { id: number; createdAt: string; expiresAt: string | null }[] };
    expect(listed.json().user).toEqual({ id: user.id, username: user.username });
    expect(sessions).toHaveLength(2);
    expect(sessions[0]).toEqual({ id: expect.any(Number), createdAt: expect.any(String), expiresAt: expect.any(String) });
    expect(Date.parse(sessions[0]!.expiresAt!) - Date.parse(sessions[0]!.createdAt)).toBe(86400 * 1000);

    const revoked = await hangar(['sessions', 'revoke', user.username, String(sessions[0]!.id), '--json']);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.json()).toEqual({ user: { id: user.id, username: user.username }, revoked: 1 });
    expect(cliEvents(revoked.stderr)).toEqual([
      expect.objectContaining({ event: 'session_closed', userId: user.id, sessionIds: [sessions[0]!.id], reason: 'revoked', ip: 'cli' }),
    ]);
    expect(await meWith({ cookie: first })).not.toBe(user.username);
    expect(await meWith({ cookie: second })).toBe(user.username);

    const text = await hangar(['sessions', 'list', user.username]);
    expect(text.stdout).toMatch(new RegExp(`^ID {6}OPENED {20}EXPIRES\\n${sessions[1]!.id} +\\S+Z +\\S+Z\\n$`));

    const missing = await hangar(['sessions', 'revoke', user.username, String(sessions[0]!.id)]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`hangar: session ${sessions[0]!.id} not found\n`);

    const all = await hangar(['sessions', 'revoke', user.username, '--all']);
    expect(all.code).toBe(0);
    expect(all.stdout).toBe(`Revoked 1 session(s) of ${user.username} (id ${user.id}).\n`);
    expect(await meWith({ cookie: second })).not.toBe(user.username);
    expect((await hangar(['sessions', 'list', user.username])).stdout).toBe(`${user.username} (id ${user.id}) has no live sessions.\n`);
  });

  it('revokes every token of a user: Bearer and refresh refused at once, sessions kept, new logins work', async () => {
    const user = await createUser();
    const tokens = (await login(user.username, user.password))!;
    const cookie = await openSession(user.username, user.password);
    expect(await meWith({ authorization: bearer(tokens.accessToken) })).toBe(user.username);

    const result = await hangar(['tokens', 'revoke', user.username, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.json()).toEqual({ user: { id: user.id, username: user.username }, tokenVersion: 1 });
    expect(cliEvents(result.stderr)).toEqual([
      expect.objectContaining({ event: 'user_tokens_revoked', userId: user.id, tokenVersion: 1, reason: 'admin', ip: 'cli' }),
    ]);

    expect(await meWith({ authorization: bearer(tokens.accessToken) })).toBe(401);
    const refreshed = await gql(server, RefreshTokenDocument, { refreshToken: tokens.refreshToken });
    expect(refreshed.data?.refreshToken.__typename).not.toBe('TokenPair');
    expect(await meWith({ cookie })).toBe(user.username);
    const again = (await login(user.username, user.password))!;
    expect(await meWith({ authorization: bearer(again.accessToken) })).toBe(user.username);
  });
});

describe(`hangar errors and exit codes (${ENGINE})`, slow, () => {
  it.each([
    [['bogus'], 2, 'hangar: unknown command "bogus" (see: hangar help)'],
    [['user'], 2, 'hangar: missing a command: hangar user create|password|delete (see: hangar help user)'],
    [['user', 'create'], 2, 'hangar: missing <username> (see: hangar help user)'],
    [['sessions', 'list', 'a', 'b'], 2, 'hangar: unexpected argument "b" (see: hangar help sessions)'],
    [['sessions', 'revoke', 'a'], 2, 'hangar: missing <session-id> (see: hangar help sessions)'],
    [['sessions', 'revoke', 'a', 'one'], 2, 'hangar: session id must be a positive integer (from hangar sessions list), got "one" (see: hangar help sessions)'],
    [['status', '--verbose'], 2, 'hangar: unknown option --verbose (see: hangar help status)'],
    [['user', 'create', 'x', '--email'], 2, 'hangar: option --email needs a value (see: hangar help user)'],
    [['tokens', 'revoke', 'nobody-here'], 1, 'hangar: user nobody-here not found'],
    [['sessions', 'list', '999999'], 1, 'hangar: user 999999 not found'],
  ])('hangar %j exits %i with one line', async (args, code, line) => {
    const result = await hangar(args);
    expect(result.code).toBe(code);
    expect(result.stderr).toBe(`${line}\n`);
    expect(result.stdout).toBe('');
  });

  it('--json reports failures as one JSON document on stdout too', async () => {
    const result = await hangar(['sessions', 'revoke', 'nobody-here', '--all', '--json']);
    expect(result.code).toBe(1);
    expect(result.json()).toEqual({ error: { code: 'not_found', message: 'user nobody-here not found' } });
    // --json may stand anywhere, before the command too.
    const first = await hangar(['--json', 'sessions', '--json', 'list', 'nobody-here']);
    expect(first.code).toBe(1);
    expect(first.json()).toEqual({ error: { code: 'not_found', message: 'user nobody-here not found' } });
    const usage = await hangar(['frobnicate', '--json']);
    expect(usage.code).toBe(2);
    expect(usage.json()).toEqual({ error: { code: 'usage', message: 'unknown command "frobnicate" (see: hangar help)' } });
  });

  it('answers a bad configuration or an unreachable database with one line and exit 7', async () => {
    const badUrl = await runCli('mysql://localhost/x', ['status']);
    expect(badUrl.code).toBe(7);
    expect(badUrl.stderr).toBe(
      'hangar: invalid configuration: DATABASE_URL must start with sqlite: or postgres://, got "mysql://x"\n'.replace('mysql://x', 'mysql://localhost/x'),
    );
    const unreachable = await runCli('postgres://hangar@127.0.0.1:1/hangar', ['sessions', 'list', 'x', '--json'], { env: { DATABASE_STARTUP_TIMEOUT: '0' } });
    expect(unreachable.code).toBe(7);
    expect(unreachable.json()).toEqual({
      error: {
        code: 'database',
        message: expect.stringMatching(/^Database postgres:\/\/hangar@127\.0\.0\.1:1\/hangar unreachable for 0 s, giving up: .*ECONNREFUSED/),
      },
    });
    noStack(unreachable.stderr);
    const clock = await runCli(db.url, ['status'], { env: { HANGAR_NOW: 'yesterday' } });
    expect(clock.code).toBe(7);
    expect(clock.stderr).toBe('hangar: invalid configuration: HANGAR_NOW must be an ISO 8601 time or epoch milliseconds, got "yesterday"\n');
  });

  it('prints help without a database, and usage on stderr with exit 2 when called bare', async () => {
    const help = await runCli('mysql://not-even-valid', ['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: hangar <command>/);
    for (const name of ['user', 'sessions', 'tokens', 'purge', 'status', 'migrate']) expect(help.stdout).toContain(`\n  ${name} `);
    const group = await runCli('mysql://not-even-valid', ['sessions', '--help']);
    expect(group.code).toBe(0);
    expect(group.stdout).toContain('hangar sessions revoke <user> --all');
    const bare = await runCli('mysql://not-even-valid', []);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toMatch(/^Usage: hangar <command>/);
  });
});

describe(`hangar status and migrations (${ENGINE})`, slow, () => {
  it('reports an up-to-date database with its account count, in text and --json', async () => {
    const result = await hangar(['status', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const status = result.json() as { migrations: { applied: { name: string; executedAt: string }[]; pending: string[] }; accounts: { users: number } };
    expect(status).toMatchObject({ upToDate: true, migrations: { pending: [] } });
    expect(status.migrations.applied.length).toBeGreaterThan(0);
    expect(status.migrations.applied[0]).toEqual({ name: expect.stringMatching(/^Migration\d+_initial$/), executedAt: expect.any(String) });
    const count = await server.running.runtime.orm.em.fork().getConnection().execute('select count(*) as n from users');
    expect(status.accounts.users).toBe(Number(count[0]!.n));
    const text = await hangar(['status']);
    expect(text.stdout).toContain('Migrations: up to date.\n');
    expect(text.stdout).toContain(`Users: ${status.accounts.users}\n`);
  });

  it('on a new database: status exits 3 without migrating, reads refuse, writes migrate (or refuse with DATABASE_MIGRATE=0)', async () => {
    const fresh = await tempDatabase();
    try {
      const status = await runCli(fresh.url, ['status', '--json']);
      expect(status.code).toBe(3);
      const { pending, applied } = (status.json() as { migrations: { pending: string[]; applied: unknown[] } }).migrations;
      expect(applied).toEqual([]);
      expect(pending.length).toBeGreaterThan(0);
      expect(status.json()).toMatchObject({ upToDate: false, accounts: null });
      // Still pending: status never migrates.
      expect((await runCli(fresh.url, ['status'])).code).toBe(3);

      const read = await runCli(fresh.url, ['sessions', 'list', 'anyone']);
      expect(read.code).toBe(3);
      expect(read.stderr).toMatch(/^hangar: database .+ has \d+ pending migration\(s\) and this command does not migrate: run npx hangar migrate first\n$/);
      const refused = await runCli(fresh.url, ['user', 'create', 'first'], { input: 'first-pass\n', env: { DATABASE_MIGRATE: '0' } });
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/pending migration\(s\) and DATABASE_MIGRATE=0: run npx hangar migrate first\n$/);

      const created = await runCli(fresh.url, ['user', 'create', 'first'], { input: 'first-pass\n' });
      expect(created.code, created.stderr).toBe(0);
      expect(created.stderr).toMatch(new RegExp(`^hangar: applied ${pending.length} pending migration\\(s\\) to .+ \\(DATABASE_MIGRATE=1\\)\\n$`));
      const after = await runCli(fresh.url, ['status', '--json']);
      expect(after.code).toBe(0);
      expect(after.json()).toMatchObject({ upToDate: true, accounts: { users: 1 } });
      expect((await runCli(fresh.url, ['migrate', '--json'])).json()).toEqual({ applied: [] });
    } finally {
      await fresh.cleanup();
    }
  });

  it('hangar migrate applies the migrations; --database overrides DATABASE_URL', async () => {
    const fresh = await tempDatabase();
    try {
      const migrated = await runCli('sqlite:/nonexistent-dir-that-is-not-used/x.sqlite', ['--database', fresh.url, 'migrate']);
      expect(migrated.code, migrated.stderr).toBe(0);
      expect(migrated.stdout).toMatch(/^(applied Migration\d+_\w+\n)+$/);
      expect((await runCli('mysql://ignored', ['status', `--database=${fresh.url}`])).code).toBe(0);
      expect((await runCli(fresh.url, ['status', '--database'])).stderr).toBe('hangar: option --database needs a value (see: hangar help)\n');
    } finally {
      await fresh.cleanup();
    }
  });
});

describe(`hangar purge (${ENGINE})`, slow, () => {
  // A server of its own, with short lifetimes and its own clock; HANGAR_NOW puts the CLI at a
  // later instant of that clock.
  let purgeDb: TestDatabase;
  let timed: TestServer;
  const clock = new TestClock();
  const T0 = clock.ms;
  const env = { SESSION_DURATION: '600', TOKEN_DURATION: '600', RATE_LIMIT_WINDOW: '600' };

  beforeAll(async () => {
    purgeDb = await tempDatabase();
    timed = await startTestServer({ databaseUrl: purgeDb.url, clock, env: { ...env, SEED_DEMO: '0' } });
  });
  afterAll(async () => {
    await timed?.close();
    await purgeDb?.cleanup();
  });

  const purgeAt = (ms: number, args: string[] = []) => runCli(purgeDb.url, ['purge', ...args], { env: { ...env, HANGAR_NOW: new Date(ms).toISOString() } });
  const cookieFor = async (username: string, password: string) =>
    (await gql(timed, OpenSessionDocument, { username, password })).headers.get('set-cookie')!.split(';')[0]!;
  const tokensFor = async (username: string, password: string) => {
    const { data } = await gql(timed, LoginDocument, { username, password });
    if (data?.login.__typename !== 'TokenPair') throw new Error('login failed');
    return data.login;
  };
  const failLogin = (username: string) => gql(timed, LoginDocument, { username, password: 'wrong-password' });
  const me = async (headers: Record<string, string>) => (await gql(timed, MeDocument, undefined, headers)).data?.me?.username ?? null;

  it('removes expired sessions, expired revocations and stale throttle rows, and keeps the live ones', async () => {
    const created = await runCli(purgeDb.url, ['user', 'create', 'purgee'], { input: 'purgee-pass\n' });
    expect(created.code, created.stderr).toBe(0);
    // At T0: a session (expires T0+600), a logged-out access chain (its entry expires T0+600), a
    // failed login for an unknown name (its throttle row's last attempt is T0).
    const early = await cookieFor('purgee', 'purgee-pass');
    const first = await tokensFor('purgee', 'purgee-pass');
    expect((await gql(timed, RevokeTokenDocument, { token: first.accessToken })).data?.revokeToken.__typename).toBe('RevokedToken');
    await failLogin('ghost-early');
    // At T0+300: a session (expires T0+900), a logged-out refresh family (kept 30 days), another failure.
    clock.advance(300);
    const late = await cookieFor('purgee', 'purgee-pass');
    const second = await tokensFor('purgee', 'purgee-pass');
    expect((await gql(timed, RevokeTokenDocument, { token: second.refreshToken })).data?.revokeToken.__typename).toBe('RevokedToken');
    await failLogin('ghost-late');

    // At T0+700 the first of each has expired, or left the 600 s window; the second has not.
    const purged = await purgeAt(T0 + 700_000, ['--json']);
    expect(purged.code, purged.stderr).toBe(0);
    expect(purged.json()).toEqual({ purged: { sessions: 1, revocations: 1, throttleRows: 1 } });
    const again = await purgeAt(T0 + 700_000);
    expect(again.stdout).toBe('Purged 0 expired session(s), 0 expired revocation(s), 0 stale throttle row(s).\n');

    clock.ms = T0 + 700_000;
    expect(await me({ cookie: late })).toBe('purgee');
    expect(await me({ cookie: early })).toBeNull();
    // The kept family entry still refuses its refresh token.
    expect((await gql(timed, RefreshTokenDocument, { refreshToken: second.refreshToken })).data?.refreshToken.__typename).not.toBe('TokenPair');
    const em = timed.running.runtime.orm.em.fork();
    const remaining = await em
      .getConnection()
      .execute('select (select count(*) from sessions) as s, (select count(*) from revoked_tokens) as r, (select count(*) from rate_limit_buckets) as b');
    expect(remaining.map((row) => [Number(row.s), Number(row.r), Number(row.b)])).toEqual([[1, 1, 2]]);
  });
});

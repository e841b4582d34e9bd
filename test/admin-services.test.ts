import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitBucket, RevokedToken, Session } from '../src/entities';
import { purgeExpired } from '../src/services/purge';
import { recordAttempt } from '../src/services/rateLimits';
import type { ServiceContext } from '../src/services/serviceContext';
import { openSession, resolveSession } from '../src/services/sessions';
import { issueTokens, revokeAllTokens, revokeFamily, verifyToken } from '../src/services/tokens';
import { registerUser } from '../src/services/users';
import { User as UserEntity, type User } from '../src/entities';
import { startTestServer, TestClock, type TestServer } from './support/testServer';

// The services the admin CLI added (purge, revoke every token), on the suite's engine.

let server: TestServer;
const clock = new TestClock();
const T0 = clock.ms;

beforeAll(async () => {
  server = await startTestServer({ clock, env: { SEED_DEMO: '0', SESSION_DURATION: '600', TOKEN_DURATION: '600', RATE_LIMIT_WINDOW: '600' } });
});
afterAll(() => server.close());

function context(): ServiceContext & { events: unknown[] } {
  const { orm, config, tokenKeys, hotReads, statements } = server.running.runtime;
  const events: unknown[] = [];
  return { em: orm.em.fork(), config, clock: clock.now, tokenKeys, hotReads, statements, audit: (event) => events.push(event), clientIp: 'test', events };
}

let users = 0;
async function newUser(): Promise<User> {
  users += 1;
  return registerUser(context(), { username: `admin-services-${users}`, password: 'service-pass' });
}

async function counts() {
  const { em } = context();
  return { sessions: await em.count(Session), revocations: await em.count(RevokedToken), throttleRows: await em.count(RateLimitBucket) };
}

describe('purgeExpired', () => {
  it('deletes expired sessions, expired revocations and stale throttle rows, and keeps the live ones', async () => {
    const user = await newUser();
    clock.ms = T0;
    const early = await openSession(context(), user); // expires T0+600
    await revokeFamily(context(), 'early-family', 'logout'); // expires T0 + 30 days
    await recordAttempt(context(), 'early-key', 5); // last attempt T0
    clock.ms = T0 + 300_000;
    const late = await openSession(context(), user); // expires T0+900
    await recordAttempt(context(), 'late-key', 5);
    // A revocation whose tokens are all gone by T0+700: a rotated refresh token that expires at T0+650.
    await context().em.insert(RevokedToken, { jti: 'short-lived', reason: 'rotated', revokedAt: new Date(clock.ms), expiresAt: new Date(T0 + 650_000) });
    const before = await counts();

    clock.ms = T0 + 700_000;
    expect(await purgeExpired(context())).toEqual({ sessions: 1, revocations: 1, throttleRows: 1 });
    expect(await counts()).toEqual({
      sessions: before.sessions - 1,
      revocations: before.revocations - 1,
      throttleRows: before.throttleRows - 1,
    });
    expect(await purgeExpired(context())).toEqual({ sessions: 0, revocations: 0, throttleRows: 0 });
    await expect(resolveSession(context(), late.sessionId)).resolves.toMatchObject({ id: late.session.id });
    await expect(resolveSession(context(), early.sessionId)).rejects.toMatchObject({ reason: 'session_invalid' });
    expect(await context().em.findOne(RevokedToken, { jti: 'family:early-family' })).not.toBeNull();
    // The purged throttle key starts afresh; the kept one still holds its attempt.
    expect((await context().em.find(RateLimitBucket, {})).map((row) => row.attempts.length % 19)).toEqual([0]);
  });

  it('counts an emptied throttle log (every attempt given back) as stale', async () => {
    const ctx = context();
    await ctx.em.insert(RateLimitBucket, { key: 'e'.repeat(64), attempts: '' });
    expect((await purgeExpired(context())).throttleRows).toBe(1);
  });
});

describe('revokeAllTokens', () => {
  it("ends every token of the user, on every face, and says so in the audit log; other users' stay", async () => {
    const [user, other] = [await newUser(), await newUser()];
    const pair = await issueTokens(context(), user);
    const kept = await issueTokens(context(), other);
    const ctx = context();
    expect(await revokeAllTokens(ctx, user)).toEqual({ tokenVersion: 1 });
    expect(user.tokenVersion).toBe(1);
    expect(ctx.events).toEqual([{ event: 'user_tokens_revoked', userId: user.id, tokenVersion: 1, reason: 'admin', ip: 'test' }]);
    await expect(verifyToken(context(), pair.accessToken, 'access')).rejects.toMatchObject({ reason: 'revoked' });
    await expect(verifyToken(context(), pair.refreshToken, 'refresh')).rejects.toMatchObject({ reason: 'revoked' });
    await expect(verifyToken(context(), kept.accessToken, 'access')).resolves.toMatchObject({ user: { id: other.id } });
    const fresh = await issueTokens(context(), user);
    await expect(verifyToken(context(), fresh.accessToken, 'access')).resolves.toMatchObject({ user: { id: user.id } });
  });

  it('composes with concurrent revocations: each one moves the version on', async () => {
    const user = await newUser();
    const results = await Promise.all([1, 2, 3].map(() => revokeAllTokens(context(), user)));
    expect(results.map((r) => r.tokenVersion).sort()).toEqual([1, 2, 3]);
    expect((await context().em.findOneOrFail(UserEntity, { id: user.id })).tokenVersion).toBe(3);
  });
});

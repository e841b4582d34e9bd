import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ChangePasswordDocument, DeleteMeDocument, LoginDocument, MeDocument, RegisterDocument, UpdateMeDocument } from './operations/generated';
import { RevokedToken, User } from '../src/entities';
import { basic, bearer, gql, startTestServer, TestClock, tempDatabase, type TestServer } from './support/testServer';
import { http } from './support/http';

// The prepared reads that authenticate a request (src/db/hotReads.ts) and the lazily forked EntityManager:
// what a request sees must not change, on either instance, the moment the database changes.

const db = await tempDatabase();
const clock = new TestClock();
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  a = await startTestServer({ databaseUrl: db.url, clock });
  b = await startTestServer({ databaseUrl: db.url, clock });
});
afterAll(async () => {
  await a.close();
  await b.close();
  await db.cleanup();
});

async function register(username: string, password = 'a long password') {
  const { data } = await gql(a, RegisterDocument, { input: { username, password, email: `${username}@example.com`, firstName: 'Ada' } });
  if (data?.register.__typename !== 'User') throw new Error(`register failed: ${JSON.stringify(data)}`);
  const login = (await gql(a, LoginDocument, { username, password })).data!.login;
  if (login.__typename !== 'TokenPair') throw new Error('login failed');
  return { id: data.register.id, token: login.accessToken, refresh: login.refreshToken };
}

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string; jti: string; fam: string; chain: string };
const resource = (server: TestServer, token: string, scheme: 'bearer' | 'basic' = 'bearer') =>
  http(server, 'GET', '/api/resource', { headers: { authorization: scheme === 'bearer' ? bearer(token) : basic(token, 'x') } });

describe('the prepared lookup', () => {
  it('returns the user row as plain data: every column but the password hash, dates as Dates', async () => {
    const { token } = await register('lookup-row');
    const { sub, jti, fam, chain } = claimsOf(token);
    const row = await a.running.runtime.hotReads.liveUser(sub, [jti, `family:${fam}`, `chain:${chain}`]);
    const entity = await a.running.runtime.orm.em.fork().findOneOrFail(User, { uuid: sub });
    expect(row).not.toBeNull();
    expect(row).not.toHaveProperty('passwordHash');
    expect(row).toEqual({
      id: entity.id,
      uuid: sub,
      username: 'lookup-row',
      usernameCanonical: 'lookup-row',
      email: 'lookup-row@example.com',
      emailCanonical: 'lookup-row@example.com',
      firstName: 'Ada',
      lastName: null,
      tokenVersion: entity.tokenVersion,
      keptTokenChain: null,
      createdAt: entity.createdAt,
      updatedAt: entity.updatedAt,
    });
    expect(row!.createdAt).toBeInstanceOf(Date);
  });

  it('finds nothing when any one of the keys is revoked, or for an unknown user', async () => {
    const { token } = await register('lookup-keys');
    const { sub, jti, fam, chain } = claimsOf(token);
    const keys = [jti, `family:${fam}`, `chain:${chain}`];
    const { hotReads } = a.running.runtime;
    expect(await hotReads.liveUser('00000000-0000-4000-8000-000000000000', keys)).toBeNull();
    // A refresh token has two keys; the statement still takes three.
    expect(await hotReads.liveUser(sub, keys.slice(0, 2))).not.toBeNull();
    await expect(hotReads.liveUser(sub, [])).rejects.toThrow();
    await expect(hotReads.liveUser(sub, [...keys, 'fourth'])).rejects.toThrow();
    const em = a.running.runtime.orm.em.fork();
    for (const key of keys) {
      em.create(RevokedToken, { jti: key, reason: 'family', revokedAt: new Date(clock.ms), expiresAt: new Date(clock.ms + 3_600_000) });
      await em.flush();
      for (const others of [keys, [key]]) expect(await hotReads.liveUser(sub, others)).toBeNull();
      await em.nativeDelete(RevokedToken, { jti: key });
      expect(await hotReads.liveUser(sub, keys)).not.toBeNull();
    }
  });
});

describe('token requests on two instances', () => {
  it('a token revoked on one instance is refused on the other at once, Bearer and Basic alike', async () => {
    const { token } = await register('cross-revoke');
    expect((await resource(b, token)).status).toBe(200);
    expect((await http(a, 'DELETE', '/auth/logout', { headers: { authorization: bearer(token) } })).status).toBeLessThan(300);
    expect((await resource(b, token)).status).toBe(401);
    expect((await resource(b, token, 'basic')).status).toBe(401);
  });

  it('a user deleted on one instance is refused on the other at once', async () => {
    const { token } = await register('cross-delete');
    expect((await resource(b, token, 'basic')).json).toEqual({ data: 'Hello, cross-delete!' });
    const deleted = await gql(a, DeleteMeDocument, undefined, { authorization: bearer(token) });
    expect(deleted.data?.deleteMe.__typename).toBe('DeletedUser');
    expect((await resource(b, token)).status).toBe(401);
    expect((await gql(b, MeDocument, undefined, { authorization: bearer(token) })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('after a password change the other tokens stop at once everywhere, the chain that made it goes on', async () => {
    const { token: changer } = await register('cross-change');
    const other = (await gql(a, LoginDocument, { username: 'cross-change', password: 'a long password' })).data!.login;
    if (other.__typename !== 'TokenPair') throw new Error('login failed');
    const changed = await gql(
      a,
      ChangePasswordDocument,
      { currentPassword: 'a long password', newPassword: 'another long password' },
      { authorization: bearer(changer) },
    );
    expect(changed.errors).toBeUndefined();
    expect((await resource(b, other.accessToken)).status).toBe(401);
    expect((await resource(b, changer)).json).toEqual({ data: 'Hello, cross-change!' });
    expect((await gql(b, MeDocument, undefined, { authorization: bearer(changer) })).data?.me?.username).toBe('cross-change');
  });

  it('a renamed user answers with the new name at once on the other instance', async () => {
    const { token } = await register('cross-rename');
    const updated = await gql(a, UpdateMeDocument, { input: { username: 'cross-renamed' } }, { authorization: bearer(token) });
    expect(updated.errors).toBeUndefined();
    expect((await resource(b, token)).json).toEqual({ data: 'Hello, cross-renamed!' });
  });
});

describe('the request EntityManager', () => {
  it('is not forked for a token request that needs no ORM, and forked once for one that does', async () => {
    const { token } = await register('fork-count');
    const fork = vi.spyOn(b.running.runtime.orm.em, 'fork');
    try {
      expect((await resource(b, token)).status).toBe(200);
      expect((await gql(b, MeDocument, undefined, { authorization: bearer(token) })).data?.me?.username).toBe('fork-count');
      expect(fork).not.toHaveBeenCalled();
      const updated = await gql(b, UpdateMeDocument, { input: { firstName: 'Grace' } }, { authorization: bearer(token) });
      expect(updated.errors).toBeUndefined();
      expect(fork).toHaveBeenCalledTimes(1);
    } finally {
      fork.mockRestore();
    }
  });
});

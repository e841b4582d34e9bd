import argon2 from 'argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argon2Verifications } from '../src/auth/passwords';
import { User } from '../src/entities';
import {
  ChangePasswordDocument,
  DeleteMeDocument,
  LoginDocument,
  MeDocument,
  RegisterDocument,
  UpdateMeDocument,
  UserByIdDocument,
  UsersDocument,
} from './operations/generated';
import { basic, bearer, gql, startTestServer, type TestServer } from './support/testServer';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function register(username: string, password = 'secret-pw', extra: Record<string, string> = {}) {
  const { data } = await gql(server, RegisterDocument, { input: { username, password, ...extra } });
  return data!.register;
}

async function accessToken(username: string, password: string): Promise<string> {
  const { data } = await gql(server, LoginDocument, { username, password });
  if (data?.login.__typename !== 'TokenPair') throw new Error(`login failed for ${username}`);
  return data.login.accessToken;
}

describe('register', () => {
  it('creates a user and returns it', async () => {
    const user = await register('alice', 'wonderland', { email: 'alice@example.com', firstName: 'Alice' });
    expect(user).toMatchObject({ __typename: 'User', username: 'alice', firstName: 'Alice', lastName: null });
    if (user.__typename !== 'User') throw new Error('unreachable');
    expect(user.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(user.id).toBeGreaterThan(3);
    // Email is private: the anonymous caller who registered does not see it.
    expect(user.email).toBeNull();
  });

  it('reports every invalid field at once', async () => {
    const result = await register('a', 'x', { email: 'not-an-email' });
    expect(result.__typename).toBe('ValidationError');
    if (result.__typename !== 'ValidationError') throw new Error('unreachable');
    const fields = Object.fromEntries(result.fieldErrors.map((e) => [e.field, e.messages]));
    expect(fields).toEqual({
      username: ['Shorter than minimum length 2.'],
      password: ['Shorter than minimum length 4.'],
      email: ['Not a valid email address.'],
    });
  });

  it("stores an argon2id hash with at least OWASP's parameters, never the password", async () => {
    await register('hashed', 'hashed-password');
    const em = server.running.runtime.orm.em.fork();
    const user = await em.findOneOrFail(User, { username: 'hashed' }, { populate: ['passwordHash'] });
    const [, algorithm, version, params, salt, hash] = user.passwordHash.split('$');
    expect({ algorithm, version, salt: salt?.length, hash: hash?.length }).toEqual({ algorithm: 'argon2id', version: 'v=19', salt: 22, hash: 43 });
    expect(Object.fromEntries(params!.split(',').map((kv) => kv.split('=')))).toEqual({ m: '19456', t: '2', p: '1' });
    expect(await argon2.verify(user.passwordHash, 'hashed-password')).toBe(true);
  });

  it('refuses a login with a password over 1024 bytes without running argon2', async () => {
    const before = argon2Verifications();
    const long = 'p'.repeat(1025);
    const { data } = await gql(server, LoginDocument, { username: 'user', password: long });
    expect(data?.login.__typename).toBe('UnauthenticatedError');
    const basicLogin = await fetch(`${server.url}/api/token`, { headers: { authorization: basic('user', long) } });
    expect(basicLogin.status).toBe(401);
    expect(argon2Verifications()).toBe(before);
    // The count does see an ordinary wrong password.
    await gql(server, LoginDocument, { username: 'user', password: 'wrong' });
    expect(argon2Verifications()).toBe(before + 1);
  });

  it('refuses passwords over 1024 bytes before hashing', async () => {
    const result = await register('longpw', 'é'.repeat(513));
    expect(result).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ field: 'password', messages: ['Longer than maximum length 1024 bytes.'] }] });
  });

  it('answers a taken username or email with ConflictError', async () => {
    expect(await register('user')).toMatchObject({ __typename: 'ConflictError', field: 'username', message: 'User already exists.' });
    expect(await register('bob2', 'secret-pw', { email: 'bob@hbtn.io' })).toMatchObject({ __typename: 'ConflictError', field: 'email' });
  });

  it('treats a username containing @ as the email', async () => {
    const user = await register('carol@example.com');
    expect(user).toMatchObject({ __typename: 'User', username: 'carol@example.com' });
    const token = await accessToken('carol@example.com', 'secret-pw');
    const me = await gql(server, MeDocument, undefined, { authorization: bearer(token) });
    expect(me.data?.me).toMatchObject({ username: 'carol@example.com', email: 'carol@example.com' });
    expect(await register('dave@example.com', 'secret-pw', { email: 'other@example.com' })).toMatchObject({
      __typename: 'ValidationError',
    });
  });
});

describe('queries', () => {
  it('me is null for anonymous requests and the user otherwise', async () => {
    expect((await gql(server, MeDocument)).data?.me).toBeNull();
    const me = await gql(server, MeDocument, undefined, { authorization: basic('user', 'password') });
    expect(me.data?.me).toMatchObject({ id: 1, username: 'user', email: null });
  });

  it('user by id, and NotFoundError for a missing one', async () => {
    expect((await gql(server, UserByIdDocument, { id: 2 })).data?.user).toMatchObject({ __typename: 'User', username: 'guest' });
    expect((await gql(server, UserByIdDocument, { id: 9999 })).data?.user).toEqual({
      __typename: 'NotFoundError',
      message: 'User 9999 not found',
      resource: 'User',
      resourceId: '9999',
    });
  });

  it('shows an email only to its owner', async () => {
    const anonymous = await gql(server, UserByIdDocument, { id: 3 });
    expect(anonymous.data?.user).toMatchObject({ username: 'bob@hbtn.io', email: null });
    const owner = await gql(server, UserByIdDocument, { id: 3 }, { authorization: basic('bob@hbtn.io', 'H0lbertonSchool98!') });
    expect(owner.data?.user).toMatchObject({ email: 'bob@hbtn.io' });
  });

  it('pages through users with cursors', async () => {
    const first = await gql(server, UsersDocument, { first: 2 });
    const page1 = first.data!.users;
    if (page1.__typename !== 'UserPage') throw new Error('expected a page');
    expect(page1.nodes.map((u) => u.id)).toEqual([1, 2]);
    expect(page1.hasNextPage).toBe(true);
    const second = await gql(server, UsersDocument, { first: 2, after: page1.endCursor });
    const page2 = second.data!.users;
    if (page2.__typename !== 'UserPage') throw new Error('expected a page');
    expect(page2.nodes[0]!.id).toBe(3);
    expect(page2.totalCount).toBe(page1.totalCount);
  });

  it('rejects a bad cursor or page size with ValidationError', async () => {
    expect((await gql(server, UsersDocument, { after: 'bogus' })).data?.users).toMatchObject({
      __typename: 'ValidationError',
      fieldErrors: [{ field: 'after', messages: ['Not a valid cursor.'] }],
    });
    expect((await gql(server, UsersDocument, { first: 101 })).data?.users).toMatchObject({ __typename: 'ValidationError' });
  });
});

describe('updateMe, changePassword, deleteMe', () => {
  it('need authentication', async () => {
    const update = await gql(server, UpdateMeDocument, { input: { firstName: 'X' } });
    expect(update.data?.updateMe).toEqual({ __typename: 'UnauthenticatedError', message: 'Authentication required' });
    expect((await gql(server, DeleteMeDocument)).data?.deleteMe.__typename).toBe('UnauthenticatedError');
    expect((await gql(server, ChangePasswordDocument, { currentPassword: 'a', newPassword: 'bbbb' })).data?.changePassword.__typename).toBe(
      'UnauthenticatedError',
    );
  });

  it('updates your own profile and refuses a taken username', async () => {
    await register('erin', 'erin-pass');
    const auth = { authorization: basic('erin', 'erin-pass') };
    const updated = await gql(server, UpdateMeDocument, { input: { firstName: 'Erin', lastName: 'E', email: 'erin@example.com' } }, auth);
    expect(updated.data?.updateMe).toMatchObject({ __typename: 'User', firstName: 'Erin', lastName: 'E', email: 'erin@example.com' });
    const cleared = await gql(server, UpdateMeDocument, { input: { lastName: null } }, auth);
    expect(cleared.data?.updateMe).toMatchObject({ firstName: 'Erin', lastName: null });
    const taken = await gql(server, UpdateMeDocument, { input: { username: 'guest' } }, auth);
    expect(taken.data?.updateMe).toMatchObject({ __typename: 'ConflictError', field: 'username' });
  });

  it('changes the password only with the current one', async () => {
    await register('frank', 'old-pass');
    const auth = { authorization: basic('frank', 'old-pass') };
    const wrong = await gql(server, ChangePasswordDocument, { currentPassword: 'nope', newPassword: 'new-pass' }, auth);
    expect(wrong.data?.changePassword).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ field: 'currentPassword' }] });
    const ok = await gql(server, ChangePasswordDocument, { currentPassword: 'old-pass', newPassword: 'new-pass' }, auth);
    expect(ok.data?.changePassword.__typename).toBe('User');
    expect((await gql(server, MeDocument, undefined, auth)).status).toBe(401);
    expect((await gql(server, MeDocument, undefined, { authorization: basic('frank', 'new-pass') })).data?.me).toMatchObject({ username: 'frank' });
  });

  it('deletes your account and its tokens stop working', async () => {
    await register('gina', 'gina-pass');
    const token = await accessToken('gina', 'gina-pass');
    const deleted = await gql(server, DeleteMeDocument, undefined, { authorization: bearer(token) });
    expect(deleted.data?.deleteMe).toMatchObject({ __typename: 'DeletedUser' });
    const after = await gql(server, MeDocument, undefined, { authorization: bearer(token) });
    expect(after.status).toBe(401);
    expect(after.errors?.[0]).toMatchObject({ message: 'The account no longer exists', extensions: { code: 'UNAUTHENTICATED' } });
  });
});

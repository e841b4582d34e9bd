import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangePasswordDocument, DeleteMeDocument, LoginDocument, MeDocument, OpenSessionDocument, RegisterDocument } from './operations/generated';
import { bearer, gql, startTestServer, type TestServer } from './support/testServer';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_PER_ACCOUNT: '3' } });
});
afterAll(() => server.close());

async function newUser(username: string, password: string) {
  await gql(server, RegisterDocument, { input: { username, password } });
  const pair = (await gql(server, LoginDocument, { username, password })).data!.login;
  if (pair.__typename !== 'TokenPair') throw new Error('login failed');
  const opened = await gql(server, OpenSessionDocument, { username, password });
  return { ...pair, cookie: opened.headers.get('set-cookie')!.split(';')[0]! };
}

describe('deleting a user', () => {
  it('ends their sessions and every token, on every face', async () => {
    const ivy = await newUser('ivy', 'ivy-pass');
    expect((await gql(server, DeleteMeDocument, undefined, { authorization: bearer(ivy.accessToken) })).data?.deleteMe.__typename).toBe('DeletedUser');
    expect((await gql(server, MeDocument, undefined, { cookie: ivy.cookie })).status).toBe(401);
    expect((await gql(server, MeDocument, undefined, { authorization: bearer(ivy.accessToken) })).status).toBe(401);
    expect((await fetch(`${server.url}/auth/refresh`, { method: 'POST', headers: { authorization: bearer(ivy.refreshToken) } })).status).toBe(401);
    expect((await fetch(`${server.url}/api/v1/users/me`, { headers: { cookie: ivy.cookie } })).status).toBe(403);
    expect((await fetch(`${server.url}/api/resource`, { headers: { authorization: bearer(ivy.accessToken) } })).status).toBe(401);
  });
});

describe('changing a password', () => {
  it('is throttled like a login, so a stolen session cannot guess the current password', async () => {
    const jay = await newUser('jay', 'jay-pass');
    const auth = { authorization: bearer(jay.accessToken) };
    for (let i = 0; i < 3; i += 1) {
      const wrong = await gql(server, ChangePasswordDocument, { currentPassword: `guess-${i}`, newPassword: 'new-pass' }, auth);
      expect(wrong.data?.changePassword).toMatchObject({ __typename: 'ValidationError' });
    }
    const throttled = await gql(server, ChangePasswordDocument, { currentPassword: 'jay-pass', newPassword: 'new-pass' }, auth);
    expect(throttled.status).toBe(429);
    expect(throttled.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });
});

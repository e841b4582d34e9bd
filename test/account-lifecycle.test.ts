import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChangePasswordDocument,
  DeleteMeDocument,
  LoginDocument,
  MeDocument,
  OpenSessionDocument,
  RefreshTokenDocument,
  RegisterDocument,
} from './operations/generated';
import { basic, bearer, gql, startTestServer, type TestServer } from './support/testServer';

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

  it("through TX's PUT /api/users/<id> ends the same sessions and tokens as GraphQL changePassword", async () => {
    const kim = await newUser('kim', 'kim-pass');
    const second = (await gql(server, OpenSessionDocument, { username: 'kim', password: 'kim-pass' })).headers.get('set-cookie')!.split(';')[0]!;
    const id = (await gql(server, MeDocument, undefined, { cookie: kim.cookie })).data!.me!.id;

    // A session cookie alone may not set a new password there (issue 11): it takes a fresh token.
    const refused = await fetch(`${server.url}/api/users/${id}`, {
      method: 'PUT',
      headers: { cookie: kim.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'kim', password: 'kim-new-pass' }),
    });
    expect(refused.status).toBe(401);
    // Changed with a fresh token: every session ends, and every other token.
    const put = await fetch(`${server.url}/api/users/${id}`, {
      method: 'PUT',
      headers: { authorization: bearer(kim.accessToken), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'kim', password: 'kim-new-pass' }),
    });
    expect(put.status).toBe(200);
    expect((await gql(server, MeDocument, undefined, { cookie: kim.cookie })).status).toBe(401);
    expect((await gql(server, MeDocument, undefined, { cookie: second })).status).toBe(401);
    expect((await fetch(`${server.url}/api/v1/users/me`, { headers: { cookie: second } })).status).toBe(403);
    expect((await gql(server, RefreshTokenDocument, { refreshToken: kim.refreshToken })).data?.refreshToken.__typename).toBe('UnauthenticatedError');
    expect((await fetch(`${server.url}/auth/refresh`, { method: 'POST', headers: { authorization: bearer(kim.refreshToken) } })).status).toBe(401);

    // The token that made the change survives it; GraphQL changePassword keeps its session.
    expect((await gql(server, MeDocument, undefined, { authorization: bearer(kim.accessToken) })).data?.me?.id).toBe(id);
    const third = (await gql(server, OpenSessionDocument, { username: 'kim', password: 'kim-new-pass' })).headers.get('set-cookie')!.split(';')[0]!;
    const fourth = (await gql(server, OpenSessionDocument, { username: 'kim', password: 'kim-new-pass' })).headers.get('set-cookie')!.split(';')[0]!;
    const changed = await gql(server, ChangePasswordDocument, { currentPassword: 'kim-new-pass', newPassword: 'kim-third-pass' }, { cookie: third });
    expect(changed.data?.changePassword.__typename).toBe('User');
    expect((await gql(server, MeDocument, undefined, { cookie: third })).data?.me?.id).toBe(id);
    expect((await gql(server, MeDocument, undefined, { cookie: fourth })).status).toBe(401);
  });
});

describe("renewing an access token through RA's /api/token", () => {
  it('works until the password changes, then a stolen token can no longer renew itself', async () => {
    const lee = await newUser('lee', 'lee-pass');
    const renew = (token: string) => fetch(`${server.url}/api/token`, { headers: { authorization: basic(token, 'unused') } });
    const first = await renew(lee.accessToken);
    expect(first.status).toBe(200);
    const { token: renewed } = (await first.json()) as { token: string };
    expect((await renew(renewed)).status).toBe(200);

    const changed = await gql(server, ChangePasswordDocument, { currentPassword: 'lee-pass', newPassword: 'lee-new-pass' }, { cookie: lee.cookie });
    expect(changed.data?.changePassword.__typename).toBe('User');
    for (const token of [lee.accessToken, renewed]) {
      const refused = await renew(token);
      expect(refused.status).toBe(401);
      expect(await refused.text()).toBe('Unauthorized Access');
    }
    // A token issued after the change renews as before.
    const after = await fetch(`${server.url}/api/token`, { headers: { authorization: basic('lee', 'lee-new-pass') } });
    const { token: current } = (await after.json()) as { token: string };
    expect((await renew(current)).status).toBe(200);
  });

  it('stays in its login family, so revoking the family ends renewed tokens too', async () => {
    const max = await newUser('max', 'max-pass');
    const renewed = ((await (await fetch(`${server.url}/api/token`, { headers: { authorization: bearer(max.accessToken) } })).json()) as { token: string })
      .token;
    const rotated = await gql(server, RefreshTokenDocument, { refreshToken: max.refreshToken });
    expect(rotated.data?.refreshToken.__typename).toBe('TokenPair');
    server.clock.advance(11);
    // Replaying the rotated refresh token after the grace window revokes the whole family.
    expect((await gql(server, RefreshTokenDocument, { refreshToken: max.refreshToken })).data?.refreshToken.__typename).toBe('UnauthenticatedError');
    expect((await fetch(`${server.url}/api/resource`, { headers: { authorization: bearer(renewed) } })).status).toBe(401);
  });
});

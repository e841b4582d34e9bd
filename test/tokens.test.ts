import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginDocument, MeDocument, RefreshTokenDocument, RevokeTokenDocument } from './operations/generated';
import { RevokedToken } from '../src/entities';
import { REFRESH_REUSE_GRACE_SECONDS } from '../src/services/tokens';
import { bearer, gql, startTestServer, type TestServer } from './support/testServer';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: { TOKEN_DURATION: '600', REFRESH_TOKEN_DURATION: '3600' } });
});
afterAll(() => server.close());

async function login(username = 'user', password = 'password') {
  const { data } = await gql(server, LoginDocument, { username, password });
  if (data?.login.__typename !== 'TokenPair') throw new Error('login failed');
  return data.login;
}

const meWith = (token: string) => gql(server, MeDocument, undefined, { authorization: bearer(token) });
const errorOf = (response: { errors?: { message: string }[] }) => response.errors?.[0]?.message;

describe('login', () => {
  it('issues typed access and refresh tokens with the configured lifetime', async () => {
    const pair = await login();
    expect(pair).toMatchObject({ expiresIn: 600, tokenType: 'Bearer' });
    const [header, payload] = pair.accessToken
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    expect(payload).toMatchObject({ type: 'access', iss: 'hangar', aud: 'hangar', iat: server.clock.ms / 1000, exp: server.clock.ms / 1000 + 600 });
    expect(payload.sub).toMatch(/^[0-9a-f-]{36}$/);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('gives one answer for a wrong password and an unknown user', async () => {
    for (const [username, password] of [
      ['user', 'wrong'],
      ['ghost', 'password'],
    ]) {
      const { data } = await gql(server, LoginDocument, { username: username!, password: password! });
      expect(data?.login).toEqual({ __typename: 'UnauthenticatedError', message: 'Invalid username or password' });
    }
  });
});

describe('expiry (injected clock)', () => {
  it('an access token works until exp and not after', async () => {
    const { accessToken } = await login();
    server.clock.advance(599);
    expect((await meWith(accessToken)).data?.me?.username).toBe('user');
    server.clock.advance(2);
    const expired = await meWith(accessToken);
    expect(expired.status).toBe(401);
    expect(errorOf(expired)).toBe('Token has expired');
  });

  it('a refresh token expires after REFRESH_TOKEN_DURATION', async () => {
    const { refreshToken } = await login();
    server.clock.advance(3601);
    const { data } = await gql(server, RefreshTokenDocument, { refreshToken });
    expect(data?.refreshToken).toEqual({ __typename: 'UnauthenticatedError', message: 'Token has expired' });
  });
});

describe('refresh', () => {
  it('rotates: a new pair in the same family', async () => {
    const first = await login();
    const { data } = await gql(server, RefreshTokenDocument, { refreshToken: first.refreshToken });
    if (data?.refreshToken.__typename !== 'TokenPair') throw new Error('refresh failed');
    expect(data.refreshToken.refreshToken).not.toBe(first.refreshToken);
    expect((await meWith(data.refreshToken.accessToken)).data?.me?.username).toBe('user');
    const family = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).fam;
    expect(family(data.refreshToken.refreshToken)).toBe(family(first.refreshToken));
  });

  it(`tolerates a concurrent refresh within ${REFRESH_REUSE_GRACE_SECONDS} s`, async () => {
    const { refreshToken } = await login();
    const results = await Promise.all([1, 2].map(() => gql(server, RefreshTokenDocument, { refreshToken })));
    expect(results.map((r) => r.data?.refreshToken.__typename)).toEqual(['TokenPair', 'TokenPair']);
    server.clock.advance(REFRESH_REUSE_GRACE_SECONDS);
    expect((await gql(server, RefreshTokenDocument, { refreshToken })).data?.refreshToken.__typename).toBe('TokenPair');
  });

  it('replaying a rotated refresh token after the grace window revokes its whole family', async () => {
    const stolen = await login();
    const rotated = (await gql(server, RefreshTokenDocument, { refreshToken: stolen.refreshToken })).data!.refreshToken;
    if (rotated.__typename !== 'TokenPair') throw new Error('refresh failed');
    const unrelated = await login();
    server.clock.advance(REFRESH_REUSE_GRACE_SECONDS + 1);

    const replay = await gql(server, RefreshTokenDocument, { refreshToken: stolen.refreshToken });
    expect(replay.data?.refreshToken).toEqual({ __typename: 'UnauthenticatedError', message: 'Token has been revoked' });
    // The legitimate holder's newer tokens from the same login die with it...
    expect((await gql(server, RefreshTokenDocument, { refreshToken: rotated.refreshToken })).data?.refreshToken.__typename).toBe('UnauthenticatedError');
    expect(errorOf(await meWith(rotated.accessToken))).toBe('Token has been revoked');
    // ...but another login of the same user is untouched.
    expect((await meWith(unrelated.accessToken)).data?.me?.username).toBe('user');
    expect((await gql(server, RefreshTokenDocument, { refreshToken: unrelated.refreshToken })).data?.refreshToken.__typename).toBe('TokenPair');
  });

  it('refuses an access token where a refresh token is needed, and the reverse', async () => {
    const { accessToken, refreshToken } = await login();
    const { data } = await gql(server, RefreshTokenDocument, { refreshToken: accessToken });
    expect(data?.refreshToken).toEqual({ __typename: 'UnauthenticatedError', message: 'A refresh token is required' });
    expect(errorOf(await meWith(refreshToken))).toBe('An access token is required');
  });
});

describe('revocation', () => {
  it('revokes an access token', async () => {
    const { accessToken } = await login();
    const { data } = await gql(server, RevokeTokenDocument, { token: accessToken });
    expect(data?.revokeToken).toMatchObject({ __typename: 'RevokedToken', tokenType: 'access' });
    expect(errorOf(await meWith(accessToken))).toBe('Token has been revoked');
    const again = await gql(server, RevokeTokenDocument, { token: accessToken });
    expect(again.data?.revokeToken).toMatchObject({ __typename: 'UnauthenticatedError', message: 'Token has been revoked' });
  });

  it('revoking a refresh token ends its login, the access token of the same login included', async () => {
    const { accessToken, refreshToken } = await login();
    const other = await login();
    expect((await gql(server, RevokeTokenDocument, { token: refreshToken })).data?.revokeToken).toMatchObject({ tokenType: 'refresh' });
    expect((await gql(server, RefreshTokenDocument, { refreshToken })).data?.refreshToken).toMatchObject({ message: 'Token has been revoked' });
    expect(errorOf(await meWith(accessToken))).toBe('Token has been revoked');
    expect((await meWith(other.accessToken)).data?.me?.username).toBe('user');
  });

  it('refuses garbage', async () => {
    expect((await gql(server, RevokeTokenDocument, { token: 'nonsense' })).data?.revokeToken).toMatchObject({
      __typename: 'UnauthenticatedError',
      message: 'Malformed token',
    });
  });
});

describe('the revocation list', () => {
  it('forgets a revoked token once it would have expired anyway', async () => {
    const em = () => server.running.runtime.orm.em.fork();
    const first = await login();
    await gql(server, RevokeTokenDocument, { token: first.accessToken });
    const claims = JSON.parse(Buffer.from(first.accessToken.split('.')[1]!, 'base64url').toString()) as { jti: string };
    // An access token is revoked with its renewal chain, which a login's access token starts.
    expect(await em().count(RevokedToken, { jti: `chain:${claims.jti}` })).toBe(1);
    server.clock.advance(601);
    // Entries are purged as the list is written to.
    const second = await login();
    await gql(server, RevokeTokenDocument, { token: second.accessToken });
    expect(await em().count(RevokedToken, { jti: `chain:${claims.jti}` })).toBe(0);
    expect(errorOf(await meWith(first.accessToken))).toBe('Token has expired');
  });
});

describe('forged tokens are rejected', () => {
  const now = () => Math.floor(server.clock.ms / 1000);
  const secret = () => server.running.runtime.tokenKeys.secret;
  const claims = () => ({ type: 'access', ver: 0, fam: crypto.randomUUID() });
  const sign = (alg: string, typ: string, build: (jwt: SignJWT) => SignJWT, key: Uint8Array = secret()) =>
    build(
      new SignJWT(claims())
        .setProtectedHeader({ alg, typ })
        .setIssuedAt(now())
        .setNotBefore(now())
        .setExpirationTime(now() + 60)
        .setJti(crypto.randomUUID()),
    ).sign(key);
  let sub: string;

  beforeAll(async () => {
    const { accessToken } = await login();
    sub = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()).sub;
  });

  it.each([
    [
      'alg none',
      async () => new UnsecuredJWT({ ...claims(), sub, iss: 'hangar', aud: 'hangar', jti: 'x', iat: now(), nbf: now(), exp: now() + 60 }).encode(),
      'Invalid token',
    ],
    ['HS512', () => sign('HS512', 'at+jwt', (j) => j.setSubject(sub).setIssuer('hangar').setAudience('hangar')), 'Invalid token'],
    [
      'another secret',
      () => sign('HS256', 'at+jwt', (j) => j.setSubject(sub).setIssuer('hangar').setAudience('hangar'), new Uint8Array(32).fill(7)),
      'Invalid token',
    ],
    ['no aud', () => sign('HS256', 'at+jwt', (j) => j.setSubject(sub).setIssuer('hangar')), 'Invalid token'],
    ['foreign aud', () => sign('HS256', 'at+jwt', (j) => j.setSubject(sub).setIssuer('hangar').setAudience('someone-else')), 'Invalid token'],
    ['foreign iss', () => sign('HS256', 'at+jwt', (j) => j.setSubject(sub).setIssuer('evil').setAudience('hangar')), 'Invalid token'],
    [
      'nbf in the future',
      () =>
        sign('HS256', 'at+jwt', (j) =>
          j
            .setSubject(sub)
            .setIssuer('hangar')
            .setAudience('hangar')
            .setNotBefore(now() + 60),
        ),
      'Invalid token',
    ],
    ['header typ of a refresh token', () => sign('HS256', 'rt+jwt', (j) => j.setSubject(sub).setIssuer('hangar').setAudience('hangar')), 'Invalid token'],
    [
      'unknown subject',
      () => sign('HS256', 'at+jwt', (j) => j.setSubject(crypto.randomUUID()).setIssuer('hangar').setAudience('hangar')),
      'The account no longer exists',
    ],
  ])('%s', async (_name, forge, message) => {
    const token = await forge();
    const response = await meWith(token);
    expect(response.status).toBe(401);
    expect(errorOf(response)).toBe(message);
  });

  it('a token signed correctly is accepted (the forging helper is sound)', async () => {
    const token = await sign('HS256', 'at+jwt', (j) => j.setSubject(sub).setIssuer('hangar').setAudience('hangar'));
    expect((await meWith(token)).data?.me?.username).toBe('user');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegisterDocument, UsersDocument } from './operations/generated';
import { gql, startTestServer, type TestServer } from './support/testServer';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('concurrent writes', () => {
  it('20 concurrent registrations of one username: exactly one succeeds, no 500', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_, i) => gql(server, RegisterDocument, { input: { username: 'racer', password: `password-${i}` } })),
    );
    expect(attempts.every((a) => a.status === 200 && a.errors === undefined)).toBe(true);
    const kinds = attempts.map((a) => a.data!.register.__typename);
    expect(kinds.filter((k) => k === 'User')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'ConflictError')).toHaveLength(19);
    const { data } = await gql(server, UsersDocument, { first: 100 });
    const page = data!.users;
    if (page.__typename !== 'UserPage') throw new Error('expected a page');
    expect(page.nodes.filter((u) => u.username === 'racer')).toHaveLength(1);
  });

  it('concurrent registrations of distinct users all succeed', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 10 }, (_, i) => gql(server, RegisterDocument, { input: { username: `crowd-${i}`, password: 'password' } })),
    );
    expect(attempts.map((a) => a.data!.register.__typename)).toEqual(Array(10).fill('User'));
  });
});

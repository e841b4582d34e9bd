import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateShipDocument, DeleteShipDocument, LoginDocument, ShipByIdDocument, ShipsDocument, UpdateShipDocument } from './operations/generated';
import { bearer, gql, startTestServer, type TestServer } from './support/testServer';

let server: TestServer;
let auth: { authorization: string };
const queries: string[] = [];

const xWing = {
  affiliation: 'Rebel Alliance',
  category: 'Starfighters',
  crew: 1,
  length: 13,
  manufacturer: 'Incom Corporation',
  model: 'T-70 X-Wing',
  shipClass: 'Starfighter',
  roles: ['Escort', 'Space Superiority Starfighter'],
};

beforeAll(async () => {
  server = await startTestServer({ onQuery: (sql) => queries.push(sql) });
  const { data } = await gql(server, LoginDocument, { username: 'user', password: 'password' });
  if (data?.login.__typename !== 'TokenPair') throw new Error('login failed');
  auth = { authorization: bearer(data.login.accessToken) };
});
afterAll(() => server.close());

describe('ship queries', () => {
  it('returns a demo ship with its roles in order', async () => {
    const { data } = await gql(server, ShipByIdDocument, { id: 4 });
    expect(data?.ship).toMatchObject({
      __typename: 'Ship',
      id: 4,
      model: 'BTL-A4 Y-Wing',
      crew: 1,
      length: 16,
      roles: ['Starfighter', 'Bomber', 'Escort', 'Scout', 'Courier', 'Shuttle'],
      createdBy: null,
    });
    expect((await gql(server, ShipByIdDocument, { id: 999 })).data?.ship).toEqual({ __typename: 'NotFoundError', message: 'Ship 999 not found' });
  });

  it('filters and pages', async () => {
    const empire = await gql(server, ShipsDocument, { filter: { affiliation: 'Empire', category: 'Starfighters' }, first: 3 });
    const page = empire.data!.ships;
    if (page.__typename !== 'ShipPage') throw new Error('expected a page');
    expect(page.totalCount).toBe(4);
    expect(page.nodes.map((s) => s.id)).toEqual([2, 3, 6]);
    const rest = await gql(server, ShipsDocument, { filter: { affiliation: 'Empire', category: 'Starfighters' }, after: page.endCursor });
    const next = rest.data!.ships;
    if (next.__typename !== 'ShipPage') throw new Error('expected a page');
    expect(next.nodes.map((s) => s.id)).toEqual([7]);
    expect(next.hasNextPage).toBe(false);
  });

  it('a filter with a NUL matches nothing instead of failing (found by test/fuzz.test.ts)', async () => {
    const { data, errors } = await gql(server, ShipsDocument, { filter: { modelContains: 'x\u0000', category: 'a\u0000b' } });
    expect(errors).toBeUndefined();
    expect(data?.ships).toMatchObject({ __typename: 'ShipPage', totalCount: 0, nodes: [] });
  });

  it('matches modelContains case-insensitively and treats % and _ literally', async () => {
    const tie = await gql(server, ShipsDocument, { filter: { modelContains: 'tie/' } });
    expect(tie.data?.ships).toMatchObject({ totalCount: 4 });
    const wildcard = await gql(server, ShipsDocument, { filter: { modelContains: '%' } });
    expect(wildcard.data?.ships).toMatchObject({ totalCount: 0 });
  });

  it('loads ship creators in one batch, not one query per ship', async () => {
    for (let i = 0; i < 5; i += 1) await gql(server, CreateShipDocument, { input: { ...xWing, model: `Batch ${i}` } }, auth);
    queries.length = 0;
    const { data } = await gql(server, ShipsDocument, { first: 100 });
    const page = data!.ships;
    if (page.__typename !== 'ShipPage') throw new Error('expected a page');
    expect(page.nodes.filter((s) => s.createdBy?.username === 'user')).toHaveLength(5);
    const userSelects = queries.filter((sql) => /from [`"]users[`"]/.test(sql));
    expect(userSelects).toHaveLength(1);
  });
});

describe('User.ships', () => {
  async function query(document: string) {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: document }),
    });
    return (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
  }

  it("gives each user's ships oldest first, at most `first`, with one query per distinct `first`", async () => {
    const guest = { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` };
    for (const model of ['Guest A', 'Guest B', 'Guest C']) await gql(server, CreateShipDocument, { input: { ...xWing, model } }, guest);
    queries.length = 0;
    const { data, errors } = await query(
      '{ users(first: 10) { ... on UserPage { nodes { username two: ships(first: 2) { model } all: ships(first: 100) { model } } } } }',
    );
    expect(errors).toBeUndefined();
    const byName = Object.fromEntries(data.users.nodes.map((u: any) => [u.username, u]));
    expect(byName.guest.two.map((s: any) => s.model)).toEqual(['Guest A', 'Guest B']);
    expect(byName.guest.all.map((s: any) => s.model)).toEqual(['Guest A', 'Guest B', 'Guest C']);
    const userModels = byName.user.all.map((s: any) => s.model);
    expect(userModels.filter((m: string) => m.startsWith('Batch'))).toEqual(['Batch 0', 'Batch 1', 'Batch 2', 'Batch 3', 'Batch 4']);
    expect(byName.user.two).toEqual(byName.user.all.slice(0, 2));
    expect(byName['bob@hbtn.io'].all).toEqual([]);
    const shipSelects = queries.filter((sql) => /from [`"]ships[`"]/.test(sql));
    expect(shipSelects).toHaveLength(2);
  });

  it('defaults to 20 and refuses a `first` outside 1-100 with a clear error', async () => {
    for (let i = 0; i < 18; i += 1) await gql(server, CreateShipDocument, { input: { ...xWing, model: `Fleet ${i}` } }, auth);
    const { data } = await query('{ user(id: 1) { ... on User { ships { id } } } }');
    expect(data.user.ships).toHaveLength(20);
    for (const first of [0, 101]) {
      const refused = await query(`{ user(id: 1) { ... on User { ships(first: ${first}) { id } } } }`);
      expect(refused.errors?.[0]).toMatchObject({ message: 'first must be between 1 and 100.', extensions: { code: 'BAD_USER_INPUT' } });
    }
  });
});

describe('ship mutations', () => {
  it('need authentication', async () => {
    expect((await gql(server, CreateShipDocument, { input: xWing })).data?.createShip).toEqual({
      __typename: 'UnauthenticatedError',
      message: 'Authentication required',
    });
    expect((await gql(server, DeleteShipDocument, { id: 1 })).data?.deleteShip.__typename).toBe('UnauthenticatedError');
  });

  it('create, update and delete', async () => {
    const created = (await gql(server, CreateShipDocument, { input: xWing }, auth)).data!.createShip;
    expect(created).toMatchObject({ __typename: 'Ship', ...xWing, createdBy: { username: 'user' } });
    if (created.__typename !== 'Ship') throw new Error('unreachable');
    const updated = (await gql(server, UpdateShipDocument, { id: created.id, input: { crew: 2, roles: ['Trainer'] } }, auth)).data!.updateShip;
    expect(updated).toMatchObject({ __typename: 'Ship', crew: 2, roles: ['Trainer'], model: 'T-70 X-Wing' });
    expect((await gql(server, DeleteShipDocument, { id: created.id }, auth)).data?.deleteShip).toEqual({ __typename: 'DeletedShip', id: created.id });
    expect((await gql(server, DeleteShipDocument, { id: created.id }, auth)).data?.deleteShip.__typename).toBe('NotFoundError');
    expect((await gql(server, UpdateShipDocument, { id: created.id, input: { crew: 3 } }, auth)).data?.updateShip.__typename).toBe('NotFoundError');
  });

  it('validates per field', async () => {
    const bad = { ...xWing, crew: 0, length: -4, model: 'm'.repeat(256), roles: ['ok', ''.padEnd(300, 'r')] };
    const result = (await gql(server, CreateShipDocument, { input: bad }, auth)).data!.createShip;
    if (result.__typename !== 'ValidationError') throw new Error(`expected ValidationError, got ${result.__typename}`);
    expect(Object.fromEntries(result.fieldErrors.map((e) => [e.field, e.messages]))).toEqual({
      crew: ['Must be greater than or equal to 1.'],
      length: ['Must be greater than or equal to 1.'],
      model: ['Longer than maximum length 255.'],
      'roles.1': ['Longer than maximum length 255.'],
    });
  });

  it('rejects wrong GraphQL types without a 500', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...auth },
      body: JSON.stringify({ query: 'mutation { createShip(input: {crew: "many"}) { __typename } }' }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(body.errors.length).toBeGreaterThan(0);
  });
});

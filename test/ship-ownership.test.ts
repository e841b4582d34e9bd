import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteShipDocument, ShipByIdDocument, UpdateShipDocument } from './operations/generated';
import { http } from './support/http';
import { bearer, gql, startTestServer, type TestServer } from './support/testServer';

// Issue 11, item 7: a ship with a creator is the creator's to change or delete.

let server: TestServer;
let owner: string;
let stranger: string;

const SHIP = {
  ship_class: 'Starfighter',
  model: 'T-70 X-Wing',
  affiliation: 'Resistance',
  category: 'Starfighters',
  crew: 1,
  length: 12,
  manufacturer: 'Incom-FreiTek',
  roles: ['Escort'],
};

async function account(name: string): Promise<string> {
  expect((await http(server, 'POST', '/api/users', { json: { name, password: `${name}-pass` } })).status).toBe(201);
  return ((await http(server, 'POST', '/auth/login', { json: { username: name, password: `${name}-pass` } })).json as { access_token: string }).access_token;
}

async function ownedShip(): Promise<number> {
  const created = await http(server, 'POST', '/api/ships', { headers: { authorization: bearer(owner) }, json: SHIP });
  expect(created.status).toBe(201);
  return (created.json as { id: number }).id;
}

beforeAll(async () => {
  server = await startTestServer();
  owner = await account('ship-owner');
  stranger = await account('fresh-account');
});
afterAll(() => server.close());

describe('TX: /api/ships/<id>', () => {
  it('another account gets 403 for PUT and DELETE, and the ship is unchanged', async () => {
    const id = await ownedShip();
    const headers = { authorization: bearer(stranger) };
    const put = await http(server, 'PUT', `/api/ships/${id}`, { headers, json: { ...SHIP, model: 'Hijacked' } });
    expect(put.status).toBe(403);
    expect(put.json).toEqual({ error: 'Forbidden' });
    const del = await http(server, 'DELETE', `/api/ships/${id}`, { headers });
    expect(del.status).toBe(403);
    expect(del.json).toEqual({ error: 'Forbidden' });
    expect(((await http(server, 'GET', `/api/ships/${id}`)).json as { model: string }).model).toBe('T-70 X-Wing');
  });

  it('the creator may change and delete it', async () => {
    const id = await ownedShip();
    const headers = { authorization: bearer(owner) };
    expect((await http(server, 'PUT', `/api/ships/${id}`, { headers, json: { ...SHIP, model: 'T-85 X-Wing' } })).status).toBe(200);
    expect((await http(server, 'DELETE', `/api/ships/${id}`, { headers })).status).toBe(204);
  });

  it('a ship without a creator (demo data) stays editable by any signed-in user, as in TX', async () => {
    const headers = { authorization: bearer(stranger) };
    const demo = (await http(server, 'GET', '/api/ships/5')).json as Record<string, unknown>;
    const { id: _id, ...body } = demo;
    expect((await http(server, 'PUT', '/api/ships/5', { headers, json: body })).status).toBe(200);
    expect((await http(server, 'DELETE', '/api/ships/6', { headers })).status).toBe(204);
  });
});

describe('GraphQL: updateShip and deleteShip', () => {
  it('another account gets a ForbiddenError, and the ship is unchanged', async () => {
    const id = await ownedShip();
    const auth = { authorization: bearer(stranger) };
    const updated = await gql(server, UpdateShipDocument, { id, input: { model: 'Hijacked' } }, auth);
    expect(updated.data?.updateShip).toEqual({ __typename: 'ForbiddenError', message: 'Only the creator of this ship may change or delete it' });
    const deleted = await gql(server, DeleteShipDocument, { id }, auth);
    expect(deleted.data?.deleteShip).toEqual({ __typename: 'ForbiddenError', message: 'Only the creator of this ship may change or delete it' });
    const ship = (await gql(server, ShipByIdDocument, { id })).data?.ship;
    expect(ship).toMatchObject({ __typename: 'Ship', model: 'T-70 X-Wing' });
  });

  it('the creator may change and delete it', async () => {
    const id = await ownedShip();
    const auth = { authorization: bearer(owner) };
    expect((await gql(server, UpdateShipDocument, { id, input: { model: 'T-85 X-Wing' } }, auth)).data?.updateShip).toMatchObject({
      __typename: 'Ship',
      model: 'T-85 X-Wing',
    });
    expect((await gql(server, DeleteShipDocument, { id }, auth)).data?.deleteShip).toEqual({ __typename: 'DeletedShip', id });
  });
});

import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Ship } from '../src/entities';
import fc from 'fast-check';
import { flaskJson, flaskJsonArray } from '../src/rest/flask/json';
import { shipJson, shipListItem } from '../src/rest/shipApi/output';
import { startTestServer, type TestServer } from './support/testServer';

// TX's unpaginated GET /api/ships streams the list in batches of 500 (issue 12, target 5). Its
// bytes must be exactly what the whole-list serializer gives for the same ships.

let server: TestServer;
/** The batches read so far (each one statement, db/hotReads.ts). */
let listQueries: () => number;

beforeAll(async () => {
  server = await startTestServer();
  const batches = vi.spyOn(server.running.runtime.hotReads, 'shipsAfter');
  listQueries = () => batches.mock.calls.length;
});
afterAll(async () => {
  await server.close();
});

// Every kind of value the columns hold: escapes, control characters, non-ASCII (BMP and astral),
// DEL, empty strings, long text, no roles and many, zero and large numbers.
const TEXTS = [
  'plain',
  '',
  'quote " and \\ backslash',
  'tab\tnew\nline\rcr\bb\ff',
  '\u0001\u001f\u007f',
  'héllo wörld',
  '☃ snow',
  '🚀 astral 𝄞',
  'a'.repeat(240),
  '</script>',
  "it's",
];
const ROLES = [[], ['one'], ['Fighter', 'Escort "x"', 'ünï', '🚀'], Array.from({ length: 100 }, (_, i) => `role ${i}`)];

async function setShips(count: number): Promise<void> {
  const em = server.running.runtime.orm.em.fork();
  await em.nativeDelete(Ship, {});
  const now = new Date(server.clock.now());
  for (let i = 0; i < count; i += 1) {
    em.create(Ship, {
      affiliation: TEXTS[i % TEXTS.length]!,
      category: TEXTS[(i + 3) % TEXTS.length]!,
      crew: i % 7 === 0 ? 0 : i * 1000,
      length: i % 5 === 0 ? 2147483647 : i,
      manufacturer: TEXTS[(i + 5) % TEXTS.length]!,
      model: `${TEXTS[(i + 7) % TEXTS.length]} #${i}`,
      shipClass: TEXTS[(i + 1) % TEXTS.length]!,
      roles: ROLES[i % ROLES.length]!,
      createdBy: null,
      createdAt: now,
      updatedAt: now,
    });
  }
  await em.flush();
}

/** `batches` × 500 ships, copied with insert … select. */
async function growShips(batches: number): Promise<void> {
  await setShips(500);
  const connection = server.running.runtime.orm.em.getConnection();
  const columns = 'affiliation, category, crew, length, manufacturer, model, ship_class, roles, created_by_id, created_at, updated_at';
  for (let i = 1; i < batches; i += 1) await connection.execute(`insert into ships (${columns}) select ${columns} from ships order by id limit 500`);
}

/** What the list looked like before streaming: every ship, one serializer call. */
async function wholeList(): Promise<string> {
  const ships = await server.running.runtime.orm.em.fork().find(Ship, {}, { orderBy: { id: 'asc' } });
  return flaskJson(ships.map(shipJson));
}

async function listBody(): Promise<{ status: number; type: string | null; body: Buffer }> {
  const response = await fetch(`${server.url}/api/ships`);
  return { status: response.status, type: response.headers.get('content-type'), body: Buffer.from(await response.arrayBuffer()) };
}

describe('GET /api/ships, streamed', () => {
  for (const count of [0, 1, 499, 500, 2345]) {
    it(`sends the same bytes as the whole-list serializer for ${count} ships`, async () => {
      await setShips(count);
      const before = listQueries();
      const { status, type, body } = await listBody();
      expect(status).toBe(200);
      expect(type).toBe('application/json');
      expect(body.equals(Buffer.from(await wholeList()))).toBe(true);
      expect(listQueries() - before).toBe(Math.floor(count / 500) + 1);
    });
  }

  it('answers HEAD with the headers only', async () => {
    await setShips(1500);
    const response = await fetch(`${server.url}/api/ships`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect((await response.arrayBuffer()).byteLength).toBe(0);
  });

  it('stops reading when the client hangs up', async () => {
    await growShips(60);
    const before = listQueries();
    const socket = connect(server.running.port, '127.0.0.1');
    socket.write('GET /api/ships HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const firstChunk = await new Promise<string>((resolve) => socket.once('data', (chunk) => resolve(String(chunk))));
    expect(firstChunk.startsWith('HTTP/1.1 200')).toBe(true);
    socket.destroy();
    await server.running.runtime.requests.idle();
    // 60 batches in all; backpressure held the handler after a few, and the hang-up ended it.
    expect(listQueries() - before).toBeLessThan(60);
    const one = await fetch(`${server.url}/api/ships/1`);
    expect(one.status).toBe(404);
  });

  it('closes the connection when reading fails after the response began, and keeps serving', async () => {
    await growShips(100);
    const connection = server.running.runtime.orm.em.getConnection();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const socket = connect(server.running.port, '127.0.0.1');
      socket.write('GET /api/ships HTTP/1.1\r\nHost: localhost\r\n\r\n');
      const head = await new Promise<string>((resolve) => socket.once('data', (chunk) => resolve(String(chunk))));
      expect(head.startsWith('HTTP/1.1 200')).toBe(true);
      // The client reads no further, so the handler waits on a full socket; meanwhile the table goes.
      socket.pause();
      await connection.execute('alter table ships rename to ships_gone');
      const ended = new Promise<string>((resolve) => {
        let tail = '';
        socket.on('data', (chunk) => (tail = (tail + String(chunk)).slice(-16)));
        socket.on('close', () => resolve(tail));
      });
      socket.resume();
      // Cut off: the chunked body never gets its final ']' and zero-length chunk.
      expect(await ended).not.toMatch(/\]\n\r\n0\r\n\r\n$/);
      await server.running.runtime.requests.idle();
      expect(logged).toHaveBeenCalledTimes(1);
      expect(String(logged.mock.calls[0]![0])).toContain('GET /api/ships: failed after the response began');
    } finally {
      logged.mockRestore();
      await connection.execute('alter table ships_gone rename to ships');
    }
    const again = await fetch(`${server.url}/api/ships`, { method: 'HEAD' });
    expect(again.status).toBe(200);
  });
});

describe('shipListItem', () => {
  it('lays a ship out exactly as the generic encoder does, for any text and numbers', () => {
    const anyText = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom(...TEXTS));
    fc.assert(
      fc.property(
        fc.record({
          id: fc.integer({ min: 1, max: 2147483647 }),
          affiliation: anyText,
          category: anyText,
          crew: fc.integer(),
          length: fc.integer(),
          manufacturer: anyText,
          model: anyText,
          shipClass: anyText,
          roles: fc.array(anyText, { maxLength: 5 }),
        }),
        (ship) => {
          const item = shipListItem(ship);
          expect(item).toBe(flaskJsonArray.item(shipJson(ship)));
          // Flask escapes everything outside ASCII, so the stream may write it as latin1.
          expect(item).toMatch(/^[\n\x20-\x7f]*$/);
        },
      ),
      { numRuns: 500 },
    );
  });
});

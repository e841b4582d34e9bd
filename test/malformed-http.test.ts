import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from './support/http';
import { startTestServer, type TestServer } from './support/testServer';

// Requests that Yoga or Node's HTTP parser would answer with a 500, a stack trace or an empty body
// (each found by the fuzz suite) get a clear JSON error instead.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** Sends bytes verbatim and returns what came back, split into status, headers and body. */
function raw(head: string): Promise<{ status: number; head: string; body: string }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(head));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      resolve({ status: Number(text.split(' ')[1]), head: text.slice(0, split), body: text.slice(split + 4) });
    });
  });
}

const graphqlError = (code: string) => ({ errors: [expect.objectContaining({ message: expect.any(String), extensions: { code } })] });
const CSRF = { 'x-graphql-yoga-csrf': '1' };

describe('/graphql', () => {
  it.each(['/graphql//', '/GRAPHQL', '/graphql/x', '/graphql/..%2f'])('%s is not the endpoint: JSON 404', async (path) => {
    const result = await http(server, 'POST', path, { json: { query: '{ __typename }' } });
    expect({ status: result.status, json: result.json }).toEqual({ status: 404, json: { error: 'Not Found' } });
    // The Flask dialects' content type, without a charset (spec §0.1).
    expect(result.headers.get('content-type')).toBe('application/json');
  });

  it('/graphql/ is the endpoint too', async () => {
    const result = await http(server, 'POST', '/graphql/', { json: { query: '{ __typename }' } });
    expect({ status: result.status, json: result.json }).toEqual({ status: 200, json: { data: { __typename: 'Query' } } });
  });

  it.each([
    ['an invalid Host', 'POST /graphql HTTP/1.1\r\nHost: a b\r\n'],
    ['a Host with a bad port', 'POST /graphql HTTP/1.1\r\nHost: localhost:99999\r\n'],
  ])('%s: JSON 400, no stack trace', async (_name, requestLine) => {
    const body = '{"query":"{ __typename }"}';
    const answer = await raw(`${requestLine}Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    expect(answer.status).toBe(400);
    expect(answer.head).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(answer.body)).toEqual(graphqlError('BAD_REQUEST'));
  });

  it('an absolute-form target is served by its path', async () => {
    const body = '{"query":"{ __typename }"}';
    const answer = await raw(
      `POST http://evil.example/graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect({ status: answer.status, body: JSON.parse(answer.body) }).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
  });

  it.each([
    ['GET variables', 'GET', '?query=%7B__typename%7D&variables=%7Bnot-json', undefined],
    ['GET extensions', 'GET', '?query=%7B__typename%7D&extensions=%5B', undefined],
    ['form-encoded variables', 'POST', '', 'query=%7B__typename%7D&variables=%7B'],
  ])('%s that are not JSON: 400', async (_name, method, query, form) => {
    const result = await http(server, method, `/graphql${query}`, {
      headers: { ...CSRF, ...(form !== undefined && { 'content-type': 'application/x-www-form-urlencoded' }) },
      body: form,
    });
    expect({ status: result.status, json: result.json }).toEqual({ status: 400, json: graphqlError('BAD_REQUEST') });
  });

  it.each([
    ['multipart (no uploads here)', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"a":{}}\r\n--x--\r\n'],
    ['octet-stream', 'application/octet-stream', 'x'],
  ])('a %s body: JSON 415', async (_name, contentType, body) => {
    const result = await http(server, 'POST', '/graphql', { headers: { ...CSRF, 'content-type': contentType }, body });
    expect({ status: result.status, json: result.json }).toEqual({ status: 415, json: graphqlError('UNSUPPORTED_MEDIA_TYPE') });
  });

  it('an Accept that rules out JSON: JSON 406', async () => {
    const result = await http(server, 'POST', '/graphql', { headers: { accept: 'image/png' }, json: { query: '{ __typename }' } });
    expect({ status: result.status, json: result.json }).toEqual({ status: 406, json: graphqlError('NOT_ACCEPTABLE') });
  });
});

describe("requests Node's parser refuses", () => {
  it('a head over 16 KiB: JSON 431', async () => {
    const answer = await raw(`GET /api/v1/status HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(answer.status).toBe(431);
    expect(answer.head).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(answer.body)).toEqual({ error: 'Request Header Fields Too Large', errors: [{ message: 'Request Header Fields Too Large' }] });
  });

  it('bytes that are not HTTP: JSON 400, and the server answers afterwards', async () => {
    const answer = await raw('GARBAGE\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({ error: 'Bad Request', errors: [{ message: 'Bad Request' }] });
    const status = await http(server, 'GET', '/api/v1/status');
    expect({ status: status.status, json: status.json }).toEqual({ status: 200, json: { status: 'OK' } });
  });
});

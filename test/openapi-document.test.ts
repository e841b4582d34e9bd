import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { openApiDocument } from '../src/openapi/document';
import { http } from './support/http';
import { startTestServer, type TestServer } from './support/testServer';

// The served document is valid OpenAPI 3.1, and every schema in it compiles as JSON Schema 2020-12.

interface Doc {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; tags: string[] }>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { name?: string }> };
}

let server: TestServer;
let doc: Doc;

beforeAll(async () => {
  server = await startTestServer({ env: { SESSION_NAME: 'hangar_sid' } });
  const response = await http(server, 'GET', '/openapi.json');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json');
  doc = response.json as Doc;
});
afterAll(() => server.close());

describe('/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('resolves every $ref and compiles every schema under JSON Schema 2020-12 (strict)', () => {
    const refs = new Set<string>();
    JSON.stringify(doc, (key, value: unknown) => {
      if (key === '$ref' && typeof value === 'string') refs.add(value);
      return value;
    });
    const missing = [...refs].filter((ref) => !(ref.replace('#/components/schemas/', '') in doc.components.schemas));
    expect(missing).toEqual([]);
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'hangar:components', $defs: doc.components.schemas }, undefined, undefined, false);
    const rewritten = JSON.parse(JSON.stringify(doc.components.schemas).replaceAll('#/components/schemas/', 'hangar:components#/$defs/'));
    for (const [name, schema] of Object.entries(rewritten as Record<string, object>)) {
      expect(() => ajv.compile({ $id: `hangar:check:${name}`, $defs: rewritten, ...schema }), name).not.toThrow();
    }
  });

  it('has unique operation ids and a dialect tag on every operation', () => {
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((operation) => operation.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    for (const item of Object.values(doc.paths)) for (const operation of Object.values(item)) expect(operation.tags.length).toBeGreaterThan(0);
  });

  it('names the configured session cookie', () => {
    expect(doc.components.securitySchemes.sessionCookie).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'hangar_sid' });
  });

  it("describes what HB's filter accepts under AUTH_TYPE", () => {
    const hbSecurity = (env: Record<string, string>) => {
      const built = openApiDocument(loadConfig(env)) as unknown as { paths: Record<string, Record<string, { security: unknown }>> };
      return built.paths['/api/v1/users']!.get!.security;
    };
    expect(hbSecurity({})).toEqual([{ basicAuth: [] }, { bearerAuth: [] }, { sessionCookie: [] }]);
    expect(hbSecurity({ AUTH_TYPE: 'basic_auth' })).toEqual([{ basicAuth: [] }]);
    expect(hbSecurity({ AUTH_TYPE: 'session_db_auth' })).toEqual([{ sessionCookie: [] }]);
  });
});

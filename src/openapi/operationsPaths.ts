import { jsonResponse, PUBLIC, ref, RETRY_AFTER } from './components';
import type { Paths } from './types';

// Outside every dialect: the health probes and this documentation itself.

export const OPERATIONS_TAG = { name: 'Operations', description: 'Health probes and this API description. No authentication.' };

export const OPENAPI_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';

export function operationsPaths(): Paths {
  const tags = [OPERATIONS_TAG.name];
  const noStore = { 'Cache-Control': { description: 'Always `no-store`.', required: true, schema: { const: 'no-store' } } };
  return {
    '/healthz': {
      get: {
        tags,
        operationId: 'healthz',
        summary: 'Liveness: the process answers',
        description: 'Never touches the database.',
        security: PUBLIC,
        responses: { '200': jsonResponse('Alive: `{"status": "ok"}`.', ref('HealthStatus'), noStore) },
      },
    },
    '/readyz': {
      get: {
        tags,
        operationId: 'readyz',
        summary: 'Readiness: the database answers',
        security: PUBLIC,
        responses: {
          '200': jsonResponse('The database answered `select 1` within 2 s: `{"status": "ready"}`.', ref('HealthStatus'), noStore),
          '503': jsonResponse('It did not: `{"status": "unavailable"}`.', ref('HealthStatus'), { ...noStore, 'Retry-After': RETRY_AFTER }),
        },
      },
    },
    [OPENAPI_PATH]: {
      get: {
        tags,
        operationId: 'openapi',
        summary: 'This OpenAPI 3.1 document',
        security: PUBLIC,
        responses: {
          '200': jsonResponse('The document.', {
            type: 'object',
            properties: { openapi: { const: '3.1.0' }, info: { type: 'object' }, paths: { type: 'object' }, components: { type: 'object' } },
            required: ['openapi', 'info', 'paths', 'components'],
          }),
        },
      },
    },
    [DOCS_PATH]: {
      get: {
        tags,
        operationId: 'docs',
        summary: 'This document in Swagger UI',
        description: 'Served from the installed swagger-ui-dist; loads nothing from elsewhere.',
        security: PUBLIC,
        responses: { '200': { description: 'The page.', content: { 'text/html': { schema: { type: 'string' } } } } },
      },
    },
  };
}

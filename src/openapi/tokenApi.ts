import { ANY_CREDENTIAL, jsonResponse, ref, RETRY_AFTER } from './components';
import type { Paths, ResponseObject } from './types';

// RA, the token-auth API (spec §1): `/api/token` and `/api/resource`. RA's `/api/users` is served
// by the same handlers as TX's (decision 3) and is described in shipApi.ts.

export const RA_TAG = {
  name: 'RA: token API',
  description:
    'miguelgrinberg/REST-auth: Basic credentials (or a token as the Basic username) for a token and a greeting. Also `POST /api/users` and `GET /api/users/{id}`, shared with TX.',
};

const unauthorized: ResponseObject = {
  description: "Flask-HTTPAuth's refusal, for missing or wrong credentials alike: the text `Unauthorized Access`, not JSON.",
  headers: {
    'WWW-Authenticate': {
      description: 'Always `Basic realm="Authentication Required"`.',
      required: true,
      schema: { const: 'Basic realm="Authentication Required"' },
    },
  },
  content: { 'text/html': { schema: { const: 'Unauthorized Access' } } },
};

const throttled = jsonResponse('Too many password attempts for this account from this address.', ref('RaError'), { 'Retry-After': RETRY_AFTER });

export function tokenApiPaths(): Paths {
  const tags = [RA_TAG.name];
  return {
    '/api/token': {
      get: {
        tags,
        operationId: 'raGetToken',
        summary: 'Get an access token (RA)',
        description: 'With a password, a new login; with a token, a renewal in the same family.',
        security: ANY_CREDENTIAL,
        responses: { '200': jsonResponse('A token and its lifetime.', ref('RaToken')), '401': unauthorized, '429': throttled },
      },
    },
    '/api/resource': {
      get: {
        tags,
        operationId: 'raGetResource',
        summary: 'Greet the signed-in user (RA)',
        security: ANY_CREDENTIAL,
        responses: { '200': jsonResponse('A greeting naming the user.', ref('RaResource')), '401': unauthorized, '429': throttled },
      },
    },
  };
}

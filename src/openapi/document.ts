import type { Config } from '../config';
import { schemas, securitySchemes } from './components';
import { OPERATIONS_TAG, operationsPaths } from './operationsPaths';
import { HB_TAG, sessionApiPaths } from './sessionApi';
import { shipApiPaths, TX_TAG } from './shipApi';
import { RA_TAG, tokenApiPaths } from './tokenApi';
import type { Paths } from './types';

const DESCRIPTION = `Hangar's three REST dialects, each with its original's statuses and error bodies
(see the README's Compatibility section). Every dialect accepts every credential (Basic with a
password or a token as the username, Bearer, the session cookie), and keeps its own errors.

\`/api/users\` and \`/api/users/{id}\` belong to RA and TX at once: one handler per method answers
both (\`username\` and \`name\` are the same field, and users carry both), so nothing is told apart
by method, body or \`Accept\`.

Not listed per operation: \`HEAD\` is answered wherever \`GET\` is; a method a path does not serve gets \`405\` with \`Allow\` in the
dialect's JSON (OPTIONS answers 200 with \`Allow\`; under \`/api/v1\` only past the filter); while
the database is unreachable, every operation that needs it answers \`503\`
\`{"error": "Service Unavailable"}\` with \`Retry-After\`.`;

function merge(...groups: Paths[]): Paths {
  const paths: Paths = {};
  for (const group of groups) {
    for (const [path, item] of Object.entries(group)) paths[path] = { ...paths[path], ...item };
  }
  return paths;
}

/** The OpenAPI 3.1 document, for the configured cookie name, password length and token lifetime. */
export function openApiDocument(config: Config): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'Hangar REST dialects', version: '0.1.0', description: DESCRIPTION },
    tags: [RA_TAG, TX_TAG, HB_TAG, OPERATIONS_TAG],
    paths: merge(tokenApiPaths(), shipApiPaths(), sessionApiPaths(config), operationsPaths()),
    components: { schemas: schemas(config), securitySchemes: securitySchemes(config) },
  };
}

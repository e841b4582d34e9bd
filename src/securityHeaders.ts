import type { ServerResponse } from 'node:http';
import helmet from 'helmet';

// An API answers with data, never with a document to render: the strictest CSP fits everything
// but the GraphiQL page, which replaces it with its own.
const policy = helmet({
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] } },
});

/**
 * Helmet's headers for the policy above, worked out once at start-up by running helmet against a
 * recording response: helmet stays the definition, and a request costs one setHeader per header.
 */
function recordHeaders(): [string, string][] {
  const headers: [string, string][] = [];
  const recorder = { setHeader: (name: string, value: string) => void headers.push([name, value]), removeHeader: () => undefined };
  let done = false;
  policy({} as never, recorder as never, () => {
    done = true;
  });
  // Every helmet middleware is synchronous; a future one that is not would be missed here.
  if (!done) throw new Error('helmet did not finish synchronously');
  return headers;
}

const SECURITY_HEADERS = recordHeaders();

export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value);
}

import { createHash } from 'node:crypto';

export interface GraphiQLPage {
  html: string;
  /** A CSP that allows exactly this page's inline scripts, by hash, and nothing from elsewhere. */
  contentSecurityPolicy: string;
  etag: string;
}

/** What GraphiQL opens with when the browser has no query saved: a sign-in, then `me`. */
export const EXAMPLE_OPERATIONS = `# Hangar's GraphQL API. Run OpenSession first (the run button asks which
# operation): it checks the demo user's password and sets the session cookie,
# which this page sends with every later request. Then run Me.

mutation OpenSession {
  openSession(username: "user", password: "password") {
    __typename
    ... on OpenedSession {
      user {
        id
        username
      }
    }
    ... on Error {
      message
    }
  }
}

query Me {
  me {
    id
    username
  }
}
`;

// Header persistence is off (shouldPersistHeaders below), and this runs before GraphiQL to drop
// headers an earlier version of the page saved: a pasted password or token must not outlive the
// tab, and a stale one would fail every later query with 401.
const FORGET_SAVED_HEADERS = `(function () {
  try {
    localStorage.removeItem('graphiql:headers');
    localStorage.removeItem('graphiql:shouldPersistHeaders');
    var state = JSON.parse(localStorage.getItem('graphiql:tabState') || 'null');
    if (state && Array.isArray(state.tabs)) {
      state.tabs.forEach(function (tab) { tab.headers = null; });
      localStorage.setItem('graphiql:tabState', JSON.stringify(state));
    }
  } catch (error) {}
})();`;

function withPolicy(html: string, directives: string[]): GraphiQLPage {
  const etag = `"${createHash('sha256').update(html).digest('base64url')}"`;
  return { html, contentSecurityPolicy: directives.join('; '), etag };
}

/**
 * GraphiQL with every asset inlined from the installed package: it works with no internet. The
 * package is 9 MB of JavaScript, so it is loaded on the first request for the page, not at start.
 */
export async function graphiqlPage(title: string): Promise<GraphiQLPage> {
  const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
  const rendered = renderGraphiQL({ title, shouldPersistHeaders: false, defaultQuery: EXAMPLE_OPERATIONS });
  const html = rendered.replace('<div id="root"></div>', `<div id="root"></div>\n      <script>${FORGET_SAVED_HEADERS}</script>`);
  const scriptHashes = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(([, body]) => `'sha256-${createHash('sha256').update(body!).digest('base64')}'`);
  return withPolicy(html, [
    "default-src 'none'",
    `script-src ${scriptHashes.join(' ')}`,
    // The editor creates its language workers from blob: URLs and injects its own styles.
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ]);
}

/**
 * What a browser gets instead when introspection is off (the production default): GraphiQL needs
 * the schema, and without it would show nothing but errors.
 */
export function graphiqlOffPage(title: string): GraphiQLPage {
  const html = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>${title}</title></head>
  <body>
    <h1>GraphiQL is off</h1>
    <p>This server does not allow schema introspection (the default when <code>NODE_ENV=production</code>), which GraphiQL needs,
    so it is not served here. <code>GRAPHQL_INTROSPECTION=1</code> turns both on.</p>
    <p>The API itself answers at this address: POST a JSON body <code>{"query": "…"}</code> to <code>/graphql</code>.</p>
  </body>
</html>
`;
  return withPolicy(html, ["default-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"]);
}

/** A browser asking for the page (yoga's own rule): GET with text/html acceptable. */
export function wantsGraphiQL(method: string, accept: string | undefined): boolean {
  return method === 'GET' && (accept ?? '').includes('text/html');
}

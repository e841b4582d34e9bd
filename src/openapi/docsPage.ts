import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DOCS_PATH, OPENAPI_PATH } from './operationsPaths';

// Swagger UI from the installed swagger-ui-dist: the page, the files it loads, and a CSP under
// which only those files run. Nothing comes from a CDN; the validator badge (which would send the
// document to validator.swagger.io) is off.

/** The files the page loads, by the name it loads them under (`/docs/<name>`), and where they are. */
export function docsAssets(): Record<string, string> {
  const dist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  return Object.fromEntries(['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png'].map((name) => [name, join(dist, name)]));
}

export const INIT_SCRIPT_NAME = 'swagger-init.js';

/** Served as its own file, so `script-src 'self'` covers it without an inline script. */
export const INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(OPENAPI_PATH)},
    dom_id: '#swagger-ui',
    validatorUrl: null,
    deepLinking: true,
    tryItOutEnabled: false,
    persistAuthorization: false,
  });
});
`;

export const DOCS_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Hangar REST API</title>
    <link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png" />
    <link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
    <script src="${DOCS_PATH}/${INIT_SCRIPT_NAME}"></script>
  </body>
</html>
`;

export const DOCS_ETAG = `"${createHash('sha256').update(DOCS_HTML).digest('base64url')}"`;

export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // Swagger UI sets style attributes from its scripts.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

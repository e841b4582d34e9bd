import { createHash } from 'node:crypto';
import { Router } from 'express';
import type { AppRuntime } from '../context';
import { methodNotAllowed } from '../rest/flask/httpErrors';
import { docsAssets, DOCS_CSP, DOCS_ETAG, DOCS_HTML, INIT_SCRIPT, INIT_SCRIPT_NAME } from './docsPage';
import { openApiDocument } from './document';
import { DOCS_PATH, OPENAPI_PATH } from './operationsPaths';

/** `GET /openapi.json` and the Swagger UI page at `/docs`, the document built once. */
export function openApiRouter(runtime: AppRuntime): Router {
  const router = Router({ strict: true, caseSensitive: true });
  const document = Buffer.from(`${JSON.stringify(openApiDocument(runtime.config), null, 2)}\n`);
  const documentEtag = `"${createHash('sha256').update(document).digest('base64url')}"`;

  router.get(OPENAPI_PATH, (_req, res) => {
    // setHeader and a Buffer: Express would add a charset to the type, which JSON does not have.
    res.setHeader('Content-Type', 'application/json');
    res.set('ETag', documentEtag).send(document);
  });
  router.get(DOCS_PATH, (_req, res) => {
    res.set({ 'Content-Security-Policy': DOCS_CSP, ETag: DOCS_ETAG }).type('html').send(DOCS_HTML);
  });
  router.get(`${DOCS_PATH}/${INIT_SCRIPT_NAME}`, (_req, res) => {
    res.type('text/javascript').send(INIT_SCRIPT);
  });
  for (const [name, file] of Object.entries(docsAssets())) {
    router.get(`${DOCS_PATH}/${name}`, (_req, res, next) => res.sendFile(file, { maxAge: '1d' }, (error) => error && next(error)));
  }
  router.all([OPENAPI_PATH, DOCS_PATH], methodNotAllowed('GET, HEAD, OPTIONS'));
  return router;
}

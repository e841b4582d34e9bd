import { createHash } from 'node:crypto';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';

export interface GraphiQLPage {
  html: string;
  /** A CSP that allows exactly this page's inline scripts, by hash, and nothing from elsewhere. */
  contentSecurityPolicy: string;
  etag: string;
}

/** GraphiQL with every asset inlined from the installed package: it works with no internet. */
export function graphiqlPage(title: string): GraphiQLPage {
  const html = renderGraphiQL({ title });
  const scriptHashes = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
    ([, body]) => `'sha256-${createHash('sha256').update(body!).digest('base64')}'`,
  );
  const contentSecurityPolicy = [
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
  ].join('; ');
  const etag = `"${createHash('sha256').update(html).digest('base64url')}"`;
  return { html, contentSecurityPolicy, etag };
}

/** A browser asking for the page (yoga's own rule): GET with text/html acceptable. */
export function wantsGraphiQL(method: string, accept: string | undefined): boolean {
  return method === 'GET' && (accept ?? '').includes('text/html');
}

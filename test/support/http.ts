import type { TestServer } from './testServer';

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body when it is JSON, else undefined. */
  json: unknown;
}

export interface HttpOptions {
  headers?: Record<string, string>;
  /** Sent verbatim. */
  body?: string | Buffer;
  /** Serialised and sent with `Content-Type: application/json`, as curl -H does in the READMEs. */
  json?: unknown;
}

/** One HTTP exchange with the test server, body read as text and, when JSON, parsed. */
export async function http(server: TestServer, method: string, path: string, options: HttpOptions = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | Uint8Array | undefined = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${server.url}${path}`, { method, headers, body: body as BodyInit | undefined });
  const text = await response.text();
  let json: unknown;
  if (response.headers.get('content-type')?.startsWith('application/json')) json = JSON.parse(text);
  return { status: response.status, headers: response.headers, text, json };
}

export const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** The Host header fetch sends, which Location headers echo. */
export const hostOf = (server: TestServer) => new URL(server.url).host;

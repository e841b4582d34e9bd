import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

export const METRICS_PATH = '/metrics';

export interface MetricsSource {
  contentType: string;
  text(): Promise<string>;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether `authorization` is `Bearer <token>`; compared in constant time (hashes of equal length). */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const match = /^bearer +(\S+) *$/i.exec(authorization ?? '');
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}

function sendJson(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...headers });
  res.end(text);
}

/**
 * GET /metrics in Prometheus's text format. With a token, only `Authorization: Bearer <token>`
 * gets it (401 otherwise); without one the caller decides who may reach this handler at all.
 */
export function metricsHandler(source: MetricsSource, token: string | null, logger: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: 'Method Not Allowed' }, { Allow: 'GET, HEAD' });
      return;
    }
    if (token !== null && !bearerMatches(req.headers.authorization, token)) {
      sendJson(res, 401, { error: 'Unauthorized' }, { 'WWW-Authenticate': 'Bearer realm="metrics"' });
      return;
    }
    source.text().then(
      (text) => {
        res.writeHead(200, { 'Content-Type': source.contentType, 'Cache-Control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'Could not collect the metrics');
        sendJson(res, 503, { error: 'Service Unavailable' });
      },
    );
  };
}

/** The METRICS_PORT listener: /metrics and nothing else. */
export function metricsListener(handle: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if ((req.url ?? '').split('?')[0] === METRICS_PATH) handle(req, res);
    else sendJson(res, 404, { error: 'Not Found' });
  };
}

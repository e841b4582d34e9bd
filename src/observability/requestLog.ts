import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Metrics } from './metrics';
import { REQUEST_ID_HEADER, requestIdFrom } from './requestId';
import { attachState, RequestState, requestState, routeLabel } from './requestState';

/**
 * The hook the HTTP server calls with every request before the app sees it: gives the request its
 * id (echoed as X-Request-Id) and, when the response is done or the client hung up, writes one log
 * line and one histogram observation. Cheap on purpose: no child logger, no closure per request,
 * no label built from the raw URL.
 */
export function requestObserver(logger: Logger, metrics: Metrics): (req: IncomingMessage, res: ServerResponse) => void {
  // The histogram's child per method, route and status, so an observation does not hash its labels
  // each time. Bounded: methods and statuses are few, routes are patterns (never raw paths).
  const durations = new Map<string, { observe(seconds: number): void }>();
  const durationOf = (method: string, route: string, status: number) => {
    const key = `${method} ${route} ${status}`;
    let child = durations.get(key);
    if (!child) durations.set(key, (child = metrics.httpDuration.labels({ method, route, status })));
    return child;
  };

  function onClose(this: ServerResponse): void {
    const req = this.req;
    const state = requestState(req);
    if (!state) return;
    const ms = performance.now() - state.startedAt;
    const route = routeLabel(state, (req as { baseUrl?: unknown }).baseUrl);
    const status = this.statusCode;
    const method = req.method ?? 'GET';
    durationOf(method, route, status).observe(ms / 1000);
    if (!logger.isLevelEnabled(status >= 500 ? 'error' : 'info')) return;
    const line: Record<string, unknown> = {
      type: 'request',
      requestId: state.id,
      method,
      route,
      status,
      durationMs: Math.round(ms * 1000) / 1000,
      userId: state.userId ?? undefined,
    };
    // The client went away before the whole answer was written.
    if (!this.writableFinished) line.aborted = true;
    if (status >= 500) logger.error(line, 'request');
    else logger.info(line, 'request');
  }

  return (req, res) => {
    const state = new RequestState(requestIdFrom(req.headers[REQUEST_ID_HEADER]), req.url ?? '', performance.now());
    attachState(req, state);
    res.setHeader('X-Request-Id', state.id);
    res.once('close', onClose);
  };
}

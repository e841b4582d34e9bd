import { Router, type RequestHandler } from 'express';
import type { AppRuntime } from './context';
import { sendJson } from './rest/flask/json';
import { methodNotAllowed } from './rest/flask/httpErrors';
import { OUTAGE_RETRY_AFTER_SECONDS } from './outage';

// Probes for load balancers and orchestrators, outside every dialect's paths and without auth.
// /healthz: the process answers (liveness; never touches the database, so an outage does not get
// the process restarted). /readyz: the database answers too (readiness).

export const HEALTH_PATH = '/healthz';
export const READY_PATH = '/readyz';

/** A probe waits no longer than this for `select 1`, whatever the statement timeout. */
export const READY_TIMEOUT_MS = 2000;

class ReadyTimeout extends Error {
  override name = 'ReadyTimeout';
  constructor() {
    super(`no answer to select 1 within ${READY_TIMEOUT_MS} ms`);
  }
}

async function databaseAnswers(runtime: AppRuntime): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new ReadyTimeout()), READY_TIMEOUT_MS);
  });
  try {
    await Promise.race([runtime.orm.em.getConnection().execute('select 1'), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRouter(runtime: AppRuntime): Router {
  const router = Router({ strict: true, caseSensitive: true });
  // Probes run every few seconds: log when readiness changes, not on every failed probe.
  let ready: boolean | null = null;

  const noStore: RequestHandler = (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  };

  router.get(HEALTH_PATH, noStore, (_req, res) => sendJson(res, 200, { status: 'ok' }));

  router.get(READY_PATH, noStore, (_req, res) => {
    runtime.requests.track(databaseAnswers(runtime)).then(
      () => {
        if (ready === false) runtime.logger.info({ type: 'readiness' }, 'Readiness: the database answers again');
        ready = true;
        sendJson(res, 200, { status: 'ready' });
      },
      (error: unknown) => {
        if (ready !== false) runtime.logger.error({ type: 'readiness', err: error }, 'Readiness: the database does not answer');
        ready = false;
        res.setHeader('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS));
        sendJson(res, 503, { status: 'unavailable' });
      },
    );
  });

  router.all([HEALTH_PATH, READY_PATH], methodNotAllowed('GET, HEAD, OPTIONS'));
  return router;
}

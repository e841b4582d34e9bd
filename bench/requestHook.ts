// npx tsx bench/requestHook.ts: CPU time per request of the request log and metrics hook
// (src/observability/requestLog.ts), in isolation, next to the node:http calls it makes, so the
// numbers can be read as ratios on a busy machine. Log lines go to /dev/null through sonic-boom.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import pino from 'pino';
import { REDACT_PATHS, safeError } from '../src/observability/redaction';
import { Metrics } from '../src/observability/metrics';
import { requestObserver } from '../src/observability/requestLog';
import { requestState } from '../src/observability/requestState';

// The pool gauges are read only at scrape time; no database is needed here.
const noDatabase = { em: { getConnection: () => ({ getKnex: () => ({}) }) } } as never;
const metrics = new Metrics(noDatabase);
const socket = new Socket();
const n = 100000;
const make = () => {
  const req = new IncomingMessage(socket);
  req.method = 'GET';
  req.url = '/api/resource';
  req.headers = { authorization: 'Bearer x' };
  const res = new ServerResponse(req);
  return { req, res };
};
const time = (label: string, body: (p: { req: IncomingMessage; res: ServerResponse }) => void) => {
  const results = [];
  for (let round = 0; round < 4; round++) {
    const pairs = Array.from({ length: n }, make);
    const t = process.cpuUsage();
    for (const p of pairs) body(p);
    const used = process.cpuUsage(t);
    results.push((used.user + used.system) / n);
  }
  console.log(label.padEnd(32), results.map((r) => r.toFixed(2)).join(' '), 'µs CPU each, 4 rounds');
};
const dest = pino.destination({ dest: '/dev/null', sync: false });
const logger = pino({ level: 'info', redact: { paths: REDACT_PATHS, censor: '[Redacted]' }, serializers: { err: safeError } }, dest);
const silent = pino({ level: 'silent' }, dest);
time('baseline close', ({ res }) => {
  res.emit('close');
});
time('setHeader', ({ res }) => {
  res.setHeader('X-Request-Id', 'abc');
});
time('once close + emit', ({ res }) => {
  res.once('close', () => {});
  res.emit('close');
});
time('randomUUID', () => {
  crypto.randomUUID();
});
time('histogram observe', () => {
  metrics.httpDuration.observe({ method: 'GET', route: '/api/resource', status: 200 }, 0.001);
});
time('logger.info line', () => {
  logger.info({ type: 'request', requestId: 'abc', method: 'GET', route: '/x', status: 200, durationMs: 1.2, userId: undefined }, 'request');
});
const obsSilent = requestObserver(silent, metrics);
time('observer, silent logger', ({ req, res }) => {
  obsSilent(req, res);
  requestState(req)!.matched = { path: '/api/resource' };
  res.emit('close');
});
const obs = requestObserver(logger, metrics);
time('observer, full', ({ req, res }) => {
  obs(req, res);
  requestState(req)!.matched = { path: '/api/resource' };
  res.emit('close');
});
metrics.close();

import type { RequestHandler } from 'express';

// Flask-Cors 3.0.8 with origins "*" and its defaults (spec §3.6): headers on every response of the
// scope it is mounted on, errors included. Credentials are not supported, so no
// Access-Control-Allow-Credentials is ever sent.

const ALLOWED_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

export function flaskCors(): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin === undefined) {
      res.setHeader('Access-Control-Allow-Origin', '*');
    } else {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.vary('Origin');
    }
    const requestedMethod = req.headers['access-control-request-method'];
    if (req.method === 'OPTIONS' && requestedMethod !== undefined) {
      if (ALLOWED_METHODS.includes(requestedMethod.toUpperCase())) res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS.join(', '));
      const requestedHeaders = (req.headers['access-control-request-headers'] ?? '')
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean);
      if (requestedHeaders.length > 0) res.setHeader('Access-Control-Allow-Headers', requestedHeaders.sort().join(', '));
    }
    next();
  };
}

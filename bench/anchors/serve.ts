// What every bench anchor shares: the token keys the bench signs with, and serving a node:http
// listener from WEB_CONCURRENCY processes (node:cluster, one shared port), as Hangar does.
import cluster from 'node:cluster';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify, type JWTPayload } from 'jose';
import { deriveTokenKeys, type TokenKeys } from '../../src/auth/tokens';

export const ANCHOR_ISSUER = 'hangar-bench-anchor';

/** Keys from ANCHOR_SECRET (hex): the same HS256 CryptoKey shape as Hangar's access tokens. */
export function anchorKeys(): Promise<TokenKeys> {
  const secret = process.env.ANCHOR_SECRET;
  if (!secret) throw new Error('ANCHOR_SECRET (hex) is required');
  return deriveTokenKeys(Buffer.from(secret, 'hex'), { jwtIssuer: ANCHOR_ISSUER, jwtAudience: ANCHOR_ISSUER });
}

/**
 * Bearer or a token as the Basic user name, verified with jose's jwtVerify and the options Hangar
 * gives it (Hangar's own fast path, node:crypto on the main thread, is Hangar's to win, not the
 * anchor's); the claims, or null when refused.
 */
export async function verifyAuthorization(keys: TokenKeys, authorization: string | undefined): Promise<JWTPayload | null> {
  if (!authorization) return null;
  const space = authorization.indexOf(' ');
  const scheme = authorization.slice(0, space).toLowerCase();
  let token = authorization.slice(space + 1);
  if (scheme === 'basic') token = Buffer.from(token, 'base64').toString('utf8').split(':')[0]!;
  else if (scheme !== 'bearer') return null;
  try {
    const { payload, protectedHeader } = await jwtVerify(token, keys.key, {
      algorithms: ['HS256'],
      issuer: keys.issuer,
      audience: keys.audience,
      requiredClaims: ['sub', 'jti', 'iat', 'exp', 'nbf'],
    });
    return payload.type === 'access' && protectedHeader.typ === 'at+jwt' ? payload : null;
  } catch {
    return null;
  }
}

/** Listens on PORT (0: a free one) from WEB_CONCURRENCY processes and prints "listening on <url>" once all listen. */
export function serve(makeListener: () => Promise<RequestListener | Server>): void {
  const processes = Math.max(1, Number(process.env.WEB_CONCURRENCY ?? 1));
  const port = Number(process.env.PORT ?? 0);
  if (cluster.isPrimary && processes > 1) {
    let listening = 0;
    cluster.on('listening', (_worker, address) => {
      listening += 1;
      if (listening === processes) console.log(`listening on http://127.0.0.1:${address.port}`);
    });
    for (let i = 0; i < processes; i += 1) cluster.fork();
    process.on('SIGTERM', () => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
      process.exit(0);
    });
    return;
  }
  void makeListener().then((made) => {
    const server = typeof made === 'function' ? createServer(made) : made;
    server.listen(port, '127.0.0.1', () => {
      if (cluster.isPrimary) console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
    process.on('SIGTERM', () => process.exit(0));
  });
}

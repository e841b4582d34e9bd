import type { IncomingMessage } from 'node:http';
import type { HotReads } from './db/hotReads';
import type { RunStatement } from './db/statements';
import type { Orm } from './db/orm';
import type { Logger } from './observability/logger';
import type { Metrics } from './observability/metrics';
import { requestAudit } from './observability/auditSink';
import { setRequestUser } from './observability/requestState';
import { readCredentials, type Credentials } from './auth/credentials';
import { clearedSessionCookie } from './auth/sessionCookie';
import { looksLikeJwt, type TokenKeys } from './auth/tokens';
import type { Clock } from './clock';
import type { Config } from './config';
import type { RequestTracker } from './requestTracker';
import type { AuditLog } from './services/authEvents';
import { RateLimitedError, UnauthenticatedError } from './services/errors';
import type { ServiceContext } from './services/serviceContext';
import { resolveViewer, type Viewer } from './services/viewer';

/** Built once at start-up and shared by every request. */
export interface AppRuntime {
  orm: Orm;
  config: Config;
  clock: Clock;
  tokenKeys: TokenKeys;
  hotReads: HotReads;
  statements: RunStatement;
  requests: RequestTracker;
  logger: Logger;
  metrics: Metrics;
  /** Also handed every auth event (tests collect them); they are logged and counted either way. */
  audit?: AuditLog;
}

/** node:http's response (Express's too): Set-Cookie headers are appended to it. */
export interface ResponseHeaderSink {
  appendHeader(name: string, value: string): unknown;
}

/** The one per-request context, for GraphQL resolvers and REST handlers alike. */
export interface RequestContext extends ServiceContext {
  credentials: Credentials;
  viewer: Viewer | null;
  /** Why the presented credentials were refused; null when they were fine or absent. */
  authError: UnauthenticatedError | RateLimitedError | null;
  secure: boolean;
  setCookie(cookie: string): void;
}

export interface ContextRequest {
  headers: IncomingMessage['headers'];
  secure?: boolean;
  /** Express's req.ip, which honours TRUST_PROXY. */
  ip?: string;
}

export async function createContext(runtime: AppRuntime, req: ContextRequest, res: ResponseHeaderSink): Promise<RequestContext> {
  const { config, clock, tokenKeys, hotReads, statements } = runtime;
  const credentials = readCredentials(req.headers, config.sessionName, looksLikeJwt);
  const ctx = {
    hotReads,
    statements,
    config,
    clock,
    tokenKeys,
    audit: requestAudit(runtime, req),
    clientIp: req.ip ?? 'unknown',
    credentials,
    viewer: null,
    authError: null,
    secure: req.secure === true,
    setCookie: (cookie: string) => void res.appendHeader('Set-Cookie', cookie),
  } as Omit<RequestContext, 'em'> as RequestContext;
  // One forked EntityManager per request, forked on first use: the token path never needs one.
  // Not enumerable, so that copying the context (Yoga merges it into its own) does not fork it.
  let em: RequestContext['em'] | undefined;
  Object.defineProperty(ctx, 'em', { get: () => (em ??= runtime.orm.em.fork()), enumerable: false, configurable: true });
  try {
    ctx.viewer = await resolveViewer(ctx, credentials);
    if (ctx.viewer) setRequestUser(req, ctx.viewer.user.id);
  } catch (error) {
    if (!(error instanceof UnauthenticatedError || error instanceof RateLimitedError)) throw error;
    ctx.authError = error;
    // A dead session cookie is cleared so the browser's next request is plainly anonymous.
    if (credentials.kind === 'session' && error instanceof UnauthenticatedError) ctx.setCookie(clearedSessionCookie(config, ctx));
  }
  return ctx;
}

/** Gives `target` (Yoga's context object) the request's EntityManager, still forked only on first use. */
export function shareEntityManager(ctx: RequestContext, target: object): void {
  Object.defineProperty(target, 'em', { get: () => ctx.em, enumerable: false, configurable: true });
}

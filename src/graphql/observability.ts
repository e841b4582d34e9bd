import { getOperationAST, GraphQLError } from 'graphql';
import type { Plugin, YogaLogger } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics';
import { requestIdOf, setRoute } from '../observability/requestState';
import { isDatabaseOutage, logDatabaseOutage } from '../outage';

// GraphQL's share of the logs and metrics: operations counted and timed by name and type, and
// every error masked for the client logged once, with the request's id and stack, on the server.

/** Operation names are chosen by clients: at most this many distinct ones get their own series. */
const MAX_OPERATION_NAMES = 200;
const MAX_NAME_LENGTH = 64;
export const ANONYMOUS_OPERATION = 'anonymous';
export const OTHER_OPERATION = 'other';

/** Client-chosen names as labels, with their number and length bounded. */
export class OperationNames {
  private readonly seen = new Set<string>();
  label(name: string | undefined): string {
    if (!name) return ANONYMOUS_OPERATION;
    if (name.length > MAX_NAME_LENGTH) return OTHER_OPERATION;
    if (this.seen.has(name)) return name;
    if (this.seen.size >= MAX_OPERATION_NAMES) return OTHER_OPERATION;
    this.seen.add(name);
    return name;
  }
}

/** Remembers, for each error shown masked to a client, the error it replaced. */
export class MaskedErrors {
  private readonly originals = new WeakMap<object, unknown>();
  private readonly replaced = new WeakSet<object>();
  remember(masked: unknown, original: unknown): void {
    if (masked && typeof masked === 'object') this.originals.set(masked, original);
    if (original && typeof original === 'object') this.replaced.add(original);
  }
  originalOf(masked: unknown): unknown {
    return masked && typeof masked === 'object' ? this.originals.get(masked) : undefined;
  }
  wasMasked(original: unknown): boolean {
    return !!original && typeof original === 'object' && this.replaced.has(original);
  }
}

/**
 * Yoga's own logger, onto pino. Masked errors are left to the plugin below, which knows their
 * request; yoga's per-request debug lines are dropped.
 */
export function yogaLogger(logger: Logger, masked: MaskedErrors): YogaLogger {
  return {
    debug: () => undefined,
    info: (...args) => logger.info({ type: 'graphql' }, args.map(String).join(' ')),
    warn: (...args) => logger.warn({ type: 'graphql' }, args.map(String).join(' ')),
    error: (...args) => {
      if (args.length === 1 && masked.wasMasked(args[0])) return;
      logger.error({ type: 'graphql', err: args[0] }, 'GraphQL error');
    },
  };
}

interface ServerContext {
  req?: object;
}

export function observabilityPlugin(logger: Logger, metrics: Metrics, masked: MaskedErrors): Plugin<object, ServerContext> {
  const names = new OperationNames();
  // Each operation label's series, so an operation does not hash its labels on every request.
  // Bounded as the labels are (OperationNames).
  const seriesByLabels = new Map<string, { duration: { observe(seconds: number): void }; ok: { inc(): void }; failed: { inc(): void } }>();
  const seriesOf = (operation: string, type: string) => {
    const key = `${type} ${operation}`;
    let found = seriesByLabels.get(key);
    if (!found) {
      const labels = { operation, type };
      found = {
        duration: metrics.graphqlDuration.labels(labels),
        ok: metrics.graphqlOperations.labels({ ...labels, outcome: 'ok' }),
        failed: metrics.graphqlOperations.labels({ ...labels, outcome: 'error' }),
      };
      seriesByLabels.set(key, found);
    }
    return found;
  };
  return {
    onRequest({ serverContext }) {
      if (serverContext?.req) setRoute(serverContext.req, '/graphql');
    },
    onExecute({ args }) {
      const startedAt = performance.now();
      const operation = getOperationAST(args.document, args.operationName);
      const series = seriesOf(names.label(operation?.name?.value), operation?.operation ?? 'unknown');
      return {
        onExecuteDone({ result }) {
          series.duration.observe((performance.now() - startedAt) / 1000);
          const failed = 'errors' in result && Array.isArray(result.errors) && result.errors.length > 0;
          (failed ? series.failed : series.ok).inc();
        },
      };
    },
    onResultProcess({ result, serverContext }) {
      const results = Array.isArray(result) ? result : [result];
      for (const one of results) {
        if (!one || !('errors' in one) || !one.errors) continue;
        for (const error of one.errors) {
          const original = masked.originalOf(error);
          if (original === undefined) continue;
          const requestId = serverContext?.req ? requestIdOf(serverContext.req) : undefined;
          const path = error instanceof GraphQLError && error.path ? error.path.join('.') : undefined;
          if (isDatabaseOutage(original)) logDatabaseOutage(logger, path ? `graphql ${path}` : 'graphql', original, requestId);
          else logger.error({ type: 'error', requestId, path, err: original }, 'GraphQL error masked as "Unexpected error."');
        }
      }
    },
  };
}

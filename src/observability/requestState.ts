// What the request log and the metrics learn about a request while the app handles it, kept on
// the request object itself (never in a global), so any layer holding `req` can add to it.

const STATE = Symbol('hangar.observed');

/** The label for a request no route matched: never the raw path, which would be unbounded. */
export const UNMATCHED_ROUTE = 'unmatched';

interface ExpressRoute {
  path: unknown;
}

export class RequestState {
  /** Set by setRoute, for handlers Express does not route. */
  label: string | null = null;
  /** The Express route that matched, and the mount path of the router it is in. */
  matched: ExpressRoute | null = null;
  base = '';
  userId: number | null = null;

  constructor(
    readonly id: string,
    /** The raw request target, only ever compared with known prefixes, never used as a label. */
    readonly url: string,
    readonly startedAt: number,
  ) {}
}

export function attachState(req: object, state: RequestState): void {
  (req as { [STATE]?: RequestState })[STATE] = state;
}

export function requestState(req: object): RequestState | undefined {
  return (req as { [STATE]?: RequestState })[STATE];
}

/** Names the route of a request served outside Express's router (e.g. `/graphql`). */
export function setRoute(req: object, label: string): void {
  const state = requestState(req);
  if (state) state.label = label;
}

/** Records who made the request, once the credentials are verified. */
export function setRequestUser(req: object, userId: number): void {
  const state = requestState(req);
  if (state) state.userId = userId;
}

export function requestIdOf(req: object): string | undefined {
  return requestState(req)?.id;
}

/**
 * Express's router sets `req.route` when a route matches, while `req.baseUrl` is the mount path
 * of the router it is in (`/api/v1`). baseUrl is put back when the request leaves that router (an
 * error handled outside it), so both are captured here, at the moment of the match.
 */
export function trackExpressRoutes(app: { request: object }): void {
  const fallback = Symbol('hangar.route');
  Object.defineProperty(app.request, 'route', {
    configurable: true,
    get(this: { [fallback]?: ExpressRoute }) {
      return requestState(this)?.matched ?? this[fallback];
    },
    set(this: { [fallback]?: ExpressRoute; baseUrl?: string }, route: ExpressRoute) {
      const state = requestState(this);
      if (!state) {
        this[fallback] = route;
        return;
      }
      state.matched = route;
      state.base = this.baseUrl ?? '';
    },
  });
}

/** `/users/:id` matches `/users/7`; a trailing slash is ignored. */
function patternMatches(pattern: string, path: string): boolean {
  const want = pattern.split('/');
  const have = path.replace(/(.)\/$/, '$1').split('/');
  return want.length === have.length && want.every((part, i) => part === have[i] || (part.startsWith(':') && have[i] !== ''));
}

/** The route label: the matched pattern with its mount path, a set label, or a fixed fallback. */
export function routeLabel(state: RequestState, baseUrlNow: unknown): string {
  if (state.label !== null) return state.label;
  const matched = state.matched;
  if (matched) {
    const path = matched.path;
    if (typeof path === 'string') return state.base + path;
    // An anchored literal such as /^\/graphql\/?$/ reads as its path.
    if (path instanceof RegExp)
      return (
        state.base +
        path.source
          .replace(/^\^/, '')
          .replace(/(\\\/\?)?\$$/, '')
          .replaceAll('\\/', '/')
      );
    if (Array.isArray(path)) {
      // A route registered under several paths: the one this request matched.
      const pathname = state.url.split('?')[0]!.slice(state.base.length);
      const hit = path.find((p): p is string => typeof p === 'string' && patternMatches(p, pathname));
      return state.base + (hit ?? String(path[0]));
    }
  }
  // Refused by a router's middleware before any of its routes matched (HB's auth filter).
  if (typeof baseUrlNow === 'string' && baseUrlNow !== '') return `${baseUrlNow}/*`;
  return UNMATCHED_ROUTE;
}

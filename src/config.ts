// The only module that reads the environment. Everything else receives a validated Config.

import { availableParallelism } from 'node:os';
import { DatabaseUrlError, parseDatabaseUrl } from './db/databaseUrl';

export interface Config {
  production: boolean;
  host: string;
  port: number;
  databaseUrl: string;
  /** PostgreSQL only: connections per process. SQLite always uses one. */
  databasePoolMax: number;
  /** PostgreSQL only: bound on connecting, waiting for a pooled connection and each statement; 0 is none. */
  databaseStatementTimeoutMs: number;
  /** How long start-up waits for an unreachable database before giving up. */
  databaseStartupSeconds: number;
  /** Apply pending migrations at start (under a lock shared by every instance). */
  migrateOnStart: boolean;
  /** Worker processes sharing the port (node:cluster); 1 serves from the main process. */
  webConcurrency: number;
  /** Raw bytes of JWT_SECRET when set; otherwise a secret is generated once and kept in the database. */
  jwtSecret: Uint8Array | null;
  jwtIssuer: string;
  jwtAudience: string;
  accessTokenSeconds: number;
  refreshTokenSeconds: number;
  /** How long an access token from a password login counts as fresh (TX's PUT password change). */
  freshTokenSeconds: number;
  sessionName: string;
  /** Seconds; 0 or less means sessions never expire. */
  sessionSeconds: number;
  cookieSecure: boolean;
  passwordMinLength: number;
  seedDemo: boolean;
  bodyLimitBytes: number;
  /** Express's `trust proxy`: which proxies' X-Forwarded-* headers to believe. False trusts none. */
  trustProxy: boolean | number | string;
  rateLimitWindowSeconds: number;
  /** Password attempts per client IP per window, across all accounts. */
  rateLimitPerIp: number;
  /** Password attempts per account and client IP per window. */
  rateLimitPerAccount: number;
  /**
   * Browser origins (scheme://host[:port]) trusted for cross-origin GraphQL calls with credentials
   * and for cookie-authenticated REST writes. Empty: same origin only.
   */
  corsOrigins: string[];
  /** argon2 operations allowed on the thread pool at once (which SQLite shares). */
  argon2Concurrency: number;
  /** argon2 runs in a child process at this nice value; 0 runs it on this process's thread pool. */
  argon2Nice: number;
  /** Remember recent successful Basic password checks (src/auth/verifiedPasswords.ts); off runs argon2 on every one. */
  passwordCache: boolean;
  /** Most (stored hash, password digest) pairs the cache holds; the least recently used go first. */
  passwordCacheSize: number;
  /** How long a verified pair is trusted without argon2. */
  passwordCacheTtlSeconds: number;
  graphqlIntrospection: boolean;
  graphqlFieldSuggestions: boolean;
  /** HB's AUTH_TYPE: when set, the only mechanism /api/v1 accepts. Null accepts them all. */
  hbAuthType: HbAuthType | null;
  /**
   * HANGAR_NOW: the instant (epoch ms) the admin CLI takes for "now" instead of the system clock,
   * so tests can purge rows that a test server wrote at its own clock. Never allowed in production.
   */
  cliNowMs: number | null;
  logLevel: LogLevel;
  /** `json`: one JSON object per line (production); `pretty`: pino-pretty, for a terminal. */
  logFormat: 'json' | 'pretty';
  /** Bearer token that opens GET /metrics on the main port; null leaves /metrics unserved there. */
  metricsToken: string | null;
  /** A separate listener serving only /metrics; null: none. */
  metricsPort: number | null;
  metricsHost: string;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
const MIN_METRICS_TOKEN_CHARS = 16;

export const HB_AUTH_TYPES = ['auth', 'basic_auth', 'session_auth', 'session_exp_auth', 'session_db_auth'] as const;
export type HbAuthType = (typeof HB_AUTH_TYPES)[number];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const MIN_SECRET_BYTES = 32;

/** TRUST_PROXY: unset/0/false trusts no proxy; a hop count; or addresses/subnets/names Express understands. */
function trustProxy(raw: string | undefined): boolean | number | string {
  if (raw === undefined || /^(0|false|no|off)$/i.test(raw)) return false;
  if (/^(true|yes|on)$/i.test(raw)) return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = (...names: string[]): string | undefined => {
    for (const name of names) {
      const value = env[name];
      if (value !== undefined && value.trim() !== '') return value.trim();
    }
    return undefined;
  };
  const integer = (names: string[], fallback: number, check?: (n: number) => string | null): number => {
    const raw = read(...names);
    if (raw === undefined) return fallback;
    if (!/^[+-]?\d+$/.test(raw)) {
      problems.push(`${names[0]} must be an integer, got "${raw}"`);
      return fallback;
    }
    const value = Number(raw);
    const problem = check?.(value);
    if (problem) problems.push(`${names[0]} ${problem}, got ${value}`);
    return value;
  };
  const flag = (name: string, fallback: boolean): boolean => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    problems.push(`${name} must be 1/0, true/false, yes/no or on/off, got "${raw}"`);
    return fallback;
  };
  const positive = (n: number) => (n >= 1 ? null : 'must be at least 1');

  const production = read('NODE_ENV') === 'production';
  const secret = read('JWT_SECRET');
  const jwtSecret = secret === undefined ? null : new TextEncoder().encode(secret);
  if (jwtSecret && jwtSecret.byteLength < MIN_SECRET_BYTES) {
    problems.push(`JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes, got ${jwtSecret.byteLength}`);
  }
  const webConcurrency = integer(['WEB_CONCURRENCY'], 1, positive);
  const databaseUrl = read('DATABASE_URL') ?? 'sqlite:data/hangar.sqlite';
  let inMemory = false;
  try {
    const database = parseDatabaseUrl(databaseUrl);
    if (database.kind === 'sqlite' && database.file === '') problems.push('DATABASE_URL sqlite: needs a file path (sqlite:data/hangar.sqlite) or :memory:');
    inMemory = database.kind === 'sqlite' && database.file === ':memory:';
  } catch (error) {
    if (!(error instanceof DatabaseUrlError)) throw error;
    problems.push(error.message);
  }

  const config: Config = {
    production,
    host: read('HOST', 'API_HOST') ?? '127.0.0.1',
    port: integer(['PORT', 'API_PORT'], 5000, (n) => (n >= 0 && n <= 65535 ? null : 'must be 0-65535')),
    databaseUrl,
    databasePoolMax: integer(['DATABASE_POOL_MAX'], 10, positive),
    databaseStatementTimeoutMs: integer(['DATABASE_STATEMENT_TIMEOUT'], 5000, (n) => (n >= 0 ? null : 'must be 0 or more')),
    databaseStartupSeconds: integer(['DATABASE_STARTUP_TIMEOUT'], 30, (n) => (n >= 0 ? null : 'must be 0 or more')),
    migrateOnStart: flag('DATABASE_MIGRATE', true),
    webConcurrency,
    jwtSecret,
    jwtIssuer: read('JWT_ISSUER') ?? 'hangar',
    jwtAudience: read('JWT_AUDIENCE') ?? 'hangar',
    accessTokenSeconds: integer(['TOKEN_DURATION'], 600, positive),
    refreshTokenSeconds: integer(['REFRESH_TOKEN_DURATION'], 30 * 24 * 3600, positive),
    freshTokenSeconds: integer(['FRESH_TOKEN_SECONDS'], 900, positive),
    sessionName: read('SESSION_NAME') ?? '_my_session_id',
    sessionSeconds: integer(['SESSION_DURATION'], 86400),
    cookieSecure: flag('COOKIE_SECURE', false),
    passwordMinLength: integer(['PASSWORD_MIN_LENGTH'], 4, positive),
    seedDemo: flag('SEED_DEMO', !production),
    bodyLimitBytes: integer(['BODY_LIMIT_BYTES'], 100 * 1024, positive),
    trustProxy: trustProxy(read('TRUST_PROXY')),
    rateLimitWindowSeconds: integer(['RATE_LIMIT_WINDOW'], 900, positive),
    rateLimitPerIp: integer(['RATE_LIMIT_PER_IP'], 100, positive),
    rateLimitPerAccount: integer(['RATE_LIMIT_PER_ACCOUNT'], 10, positive),
    corsOrigins: (read('CORS_ORIGINS') ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    // Leave a core for the event loop, shared among the workers; `npm run bench:flood` measures
    // what a password flood costs token requests.
    argon2Concurrency: integer(['ARGON2_CONCURRENCY'], Math.max(1, Math.floor((availableParallelism() - 1) / webConcurrency)), positive),
    argon2Nice: integer(['ARGON2_NICE'], 10, (n) => (n >= 0 && n <= 19 ? null : 'must be 0-19')),
    passwordCache: flag('PASSWORD_CACHE', true),
    passwordCacheSize: integer(['PASSWORD_CACHE_SIZE'], 10_000, positive),
    passwordCacheTtlSeconds: integer(['PASSWORD_CACHE_TTL'], 600, positive),
    graphqlIntrospection: flag('GRAPHQL_INTROSPECTION', !production),
    graphqlFieldSuggestions: flag('GRAPHQL_FIELD_SUGGESTIONS', !production),
    hbAuthType: null,
    cliNowMs: null,
    logLevel: 'info',
    logFormat: 'json',
    metricsToken: read('METRICS_TOKEN') ?? null,
    metricsPort: read('METRICS_PORT') === undefined ? null : integer(['METRICS_PORT'], 0, (n) => (n >= 0 && n <= 65535 ? null : 'must be 0-65535')),
    metricsHost: read('METRICS_HOST') ?? '127.0.0.1',
  };
  const now = read('HANGAR_NOW');
  if (now !== undefined) {
    const ms = /^\d+$/.test(now) ? Number(now) : Date.parse(now);
    if (production) problems.push('HANGAR_NOW is for tests and may not be set when NODE_ENV=production');
    else if (Number.isNaN(ms)) problems.push(`HANGAR_NOW must be an ISO 8601 time or epoch milliseconds, got "${now}"`);
    else config.cliNowMs = ms;
  }
  const logLevel = read('LOG_LEVEL')?.toLowerCase();
  if (logLevel !== undefined) {
    if ((LOG_LEVELS as readonly string[]).includes(logLevel)) config.logLevel = logLevel as LogLevel;
    else problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const logFormat = read('LOG_FORMAT')?.toLowerCase();
  if (logFormat !== undefined) {
    if (logFormat === 'json' || logFormat === 'pretty') config.logFormat = logFormat;
    else problems.push(`LOG_FORMAT must be json or pretty, got "${logFormat}"`);
  }
  if (config.metricsToken !== null && (config.metricsToken.length < MIN_METRICS_TOKEN_CHARS || !/^[\x21-\x7e]+$/.test(config.metricsToken))) {
    problems.push(`METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_CHARS} printable ASCII characters without spaces`);
  }
  const authType = read('AUTH_TYPE');
  if (authType !== undefined) {
    if ((HB_AUTH_TYPES as readonly string[]).includes(authType)) config.hbAuthType = authType as HbAuthType;
    else problems.push(`AUTH_TYPE must be one of ${HB_AUTH_TYPES.join(', ')}, got "${authType}"`);
  }
  for (const origin of config.corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) problems.push(`CORS_ORIGINS entries must look like https://host[:port], got "${origin}"`);
  }
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(config.sessionName)) {
    problems.push(`SESSION_NAME must be a valid cookie name, got "${config.sessionName}"`);
  }
  if (inMemory && config.webConcurrency > 1) {
    problems.push('WEB_CONCURRENCY above 1 needs a database the workers share; sqlite::memory: is private to each process');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';
import { parseDatabaseUrl, redactDatabaseUrl } from '../src/db/databaseUrl';

describe('loadConfig', () => {
  it('has secure, working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 5000,
      databaseUrl: 'sqlite:data/hangar.sqlite',
      jwtSecret: null,
      accessTokenSeconds: 600,
      refreshTokenSeconds: 2592000,
      sessionName: '_my_session_id',
      sessionSeconds: 86400,
      cookieSecure: false,
      passwordMinLength: 4,
      seedDemo: true,
      hbAuthType: null,
    });
  });

  it('reads aliases and turns demo data off in production', () => {
    const config = loadConfig({ API_PORT: '8080', API_HOST: '0.0.0.0', NODE_ENV: 'production' });
    expect(config).toMatchObject({ port: 8080, host: '0.0.0.0', seedDemo: false, production: true });
    expect(loadConfig({ PORT: '1', API_PORT: '2' }).port).toBe(1);
  });

  it('reports every problem at once', () => {
    const env = { PORT: 'abc', TOKEN_DURATION: '0', JWT_SECRET: 'short', SEED_DEMO: 'maybe', DATABASE_URL: 'mysql://x', AUTH_TYPE: 'magic' };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'JWT_SECRET must be at least 32 bytes, got 5',
        'DATABASE_URL must start with sqlite: or postgres://, got "mysql://x"',
        'PORT must be an integer, got "abc"',
        'TOKEN_DURATION must be at least 1, got 0',
        'SEED_DEMO must be 1/0, true/false, yes/no or on/off, got "maybe"',
        'AUTH_TYPE must be one of auth, basic_auth, session_auth, session_exp_auth, session_db_auth, got "magic"',
      ]);
    }
  });

  it('reads HANGAR_NOW (the admin CLI clock, for tests) and refuses it in production', () => {
    expect(loadConfig({}).cliNowMs).toBeNull();
    expect(loadConfig({ HANGAR_NOW: '2026-01-01T12:00:00Z' }).cliNowMs).toBe(Date.UTC(2026, 0, 1, 12));
    expect(loadConfig({ HANGAR_NOW: '1767268800000' }).cliNowMs).toBe(1767268800000);
    expect(() => loadConfig({ HANGAR_NOW: 'soon' })).toThrow('HANGAR_NOW must be an ISO 8601 time or epoch milliseconds, got "soon"');
    expect(() => loadConfig({ HANGAR_NOW: '2026-01-01T12:00:00Z', NODE_ENV: 'production' })).toThrow(
      'HANGAR_NOW is for tests and may not be set when NODE_ENV=production',
    );
  });

  it('refuses a DATABASE_URL it cannot open, with the reason', () => {
    expect(() => loadConfig({ DATABASE_URL: 'sqlite:' })).toThrow('DATABASE_URL sqlite: needs a file path (sqlite:data/hangar.sqlite) or :memory:');
    expect(() => loadConfig({ DATABASE_URL: 'postgres://localhost' })).toThrow('DATABASE_URL postgres:// needs a database name');
    expect(() => loadConfig({ DATABASE_URL: 'postgres://localhost/hangar?sslmode=sometimes' })).toThrow(
      'DATABASE_URL sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full, got "sometimes"',
    );
    expect(() => loadConfig({ DATABASE_URL: 'postgres://localhost/hangar?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem' })).toThrow(
      'DATABASE_URL sslrootcert /nonexistent/ca.pem cannot be read',
    );
    expect(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).databaseUrl).toBe('sqlite::memory:');
  });

  it('reads PostgreSQL URLs and the database settings', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://hangar:s3cret@db.internal:6432/hangar?sslmode=require',
      DATABASE_POOL_MAX: '4',
      DATABASE_STATEMENT_TIMEOUT: '0',
      DATABASE_STARTUP_TIMEOUT: '5',
      DATABASE_MIGRATE: '0',
      WEB_CONCURRENCY: '3',
    });
    expect(config).toMatchObject({ databasePoolMax: 4, databaseStatementTimeoutMs: 0, databaseStartupSeconds: 5, migrateOnStart: false, webConcurrency: 3 });
    expect(parseDatabaseUrl(config.databaseUrl)).toEqual({ kind: 'postgresql', url: config.databaseUrl, ssl: { rejectUnauthorized: false } });
    expect(parseDatabaseUrl('postgres://localhost/hangar')).toMatchObject({ ssl: false });
    expect(parseDatabaseUrl('postgres://localhost/hangar?sslmode=verify-full')).toMatchObject({ ssl: { rejectUnauthorized: true } });
    expect(redactDatabaseUrl(config.databaseUrl)).toBe('postgresql://hangar:*****@db.internal:6432/hangar?sslmode=require');
    expect(loadConfig({})).toMatchObject({
      databasePoolMax: 10,
      databaseStatementTimeoutMs: 5000,
      databaseStartupSeconds: 30,
      migrateOnStart: true,
      webConcurrency: 1,
    });
    expect(() => loadConfig({ WEB_CONCURRENCY: '0', DATABASE_POOL_MAX: 'x' })).toThrow(ConfigError);
    expect(() => loadConfig({ WEB_CONCURRENCY: '2', DATABASE_URL: 'sqlite::memory:' })).toThrow('WEB_CONCURRENCY above 1 needs a database the workers share');
  });

  it('accepts a 32-byte JWT_SECRET and negative SESSION_DURATION (never expire)', () => {
    const config = loadConfig({ JWT_SECRET: 'x'.repeat(32), SESSION_DURATION: '-1' });
    expect(config.jwtSecret?.byteLength).toBe(32);
    expect(config.sessionSeconds).toBe(-1);
  });
});

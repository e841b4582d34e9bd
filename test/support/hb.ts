import { expect } from 'vitest';
import { http, type HttpOptions, type HttpResult } from './http';
import type { TestServer } from './testServer';

// Helpers for the HB dialect (/api/v1) tests.

/** The task statements' Basic header for bob@hbtn.io / H0lbertonSchool98! (a demo user). */
export const BOB_BASIC = 'Basic Ym9iQGhidG4uaW86SDBsYmVydG9uU2Nob29sOTgh';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const TIMESTAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;

/** The JSON HB shows for a user, with the id and timestamps matched by pattern. */
export function hbUser(email: string | null, firstName: string | null = null, lastName: string | null = null) {
  return {
    id: expect.stringMatching(UUID),
    email,
    first_name: firstName,
    last_name: lastName,
    created_at: expect.stringMatching(TIMESTAMP),
    updated_at: expect.stringMatching(TIMESTAMP),
  };
}

/** What `curl -d a=b -d c=d` sends: the fields joined by "&", not encoded, as a form post. */
export function curlForm(...fields: string[]): HttpOptions {
  return { body: fields.join('&'), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };
}

/** An HB JSON answer: status, `application/json`, body, and the CORS header every /api/v1 response carries. */
export function expectHb(response: HttpResult, status: number, body: unknown): void {
  expect({ status: response.status, body: response.json }).toEqual({ status, body });
  expect(response.headers.get('content-type')).toBe('application/json');
  expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(response.text)));
  const allowOrigin = response.headers.get('access-control-allow-origin');
  if (allowOrigin !== '*') {
    expect(allowOrigin).toMatch(/^https?:\/\//);
    expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
  }
}

/** `name=value` of the session cookie a response set (the last one wins, as in a browser). */
export function sessionCookieOf(response: HttpResult, name = '_my_session_id'): string {
  const cookies = response.headers.getSetCookie().filter((cookie) => cookie.startsWith(`${name}=`));
  const last = cookies.at(-1);
  if (!last) throw new Error(`no ${name} cookie set`);
  return last.split(';')[0]!;
}

/** Logs in through the form endpoint and returns the cookie pair for `--cookie`. */
export async function hbLogin(server: TestServer, email: string, password: string, name = '_my_session_id'): Promise<string> {
  const response = await http(server, 'POST', '/api/v1/auth_session/login', curlForm(`email=${email}`, `password=${password}`));
  expect(response.status).toBe(200);
  return sessionCookieOf(response, name);
}

import type { ServerResponse } from 'node:http';

// Flask's jsonify in pretty mode (spec §0.1): sorted keys, two-space indent, ", " item separator
// (so non-last lines end in a space), ASCII-only strings with lower-case \u escapes, final newline.
// Layout is not part of the contract (decision 6), but matching it keeps documented
// Content-Lengths and copied transcripts identical.

// Printable ASCII other than " and \, which quote() copies as it is.
const VERBATIM = /^[\x20\x21\x23-\x5b\x5d-\x7f]*$/;

export function quote(value: string): string {
  if (VERBATIM.test(value)) return `"${value}"`;
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char === '\b') out += '\\b';
    else if (char === '\f') out += '\\f';
    else if (code < 0x20 || code > 0x7f) {
      for (let i = 0; i < char.length; i += 1) out += `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`;
    } else out += char;
  }
  return `${out}"`;
}

/** `value` in Flask's layout, its nested lines indented by `indent` plus two spaces. */
export function encode(value: unknown, indent: string): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return quote(value.toISOString());
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + encode(item, inner)).join(', \n')}\n${indent}]`;
  }
  // Sorted by UTF-16 code units (sort()'s default order), undefined members left out.
  const object = value as Record<string, unknown>;
  let out = '';
  for (const key of Object.keys(object).sort()) {
    const item = object[key];
    if (item === undefined) continue;
    out += `${out === '' ? '{\n' : ', \n'}${inner}${quote(key)}: ${encode(item, inner)}`;
  }
  return out === '' ? '{}' : `${out}\n${indent}}`;
}

export function flaskJson(value: unknown): string {
  return `${encode(value, '')}\n`;
}

/**
 * Flask's layout of a top-level array, built piece by piece (streamJsonArray): `open` + the items,
 * each `item(value)`, joined by `separator` + `close` is what flaskJson gives for the whole array,
 * when it has items ("[]\n" when it has none).
 */
export const flaskJsonArray = {
  open: '[\n',
  item: (value: unknown) => `  ${encode(value, '  ')}`,
  separator: ', \n',
  close: '\n]\n',
} as const;

/** Sends a Flask-style JSON body with `Content-Type: application/json` and no charset. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendJsonText(res, status, flaskJson(body));
}

/** Sends `text`, already in Flask's layout, as sendJson sends a body. */
export function sendJsonText(res: ServerResponse, status: number, text: string): void {
  // node:http's own methods (Express's response is one too); Express 5's res.set would append
  // "; charset=utf-8" to JSON types.
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  // What res.send would do with ETags off (src/app.ts) and no status without a body: set the
  // length and end; node:http leaves the body out of an answer to HEAD. A string rather than a
  // Buffer: node:http then writes head and body in one piece instead of a writev of two.
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

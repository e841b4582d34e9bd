import type { Request } from 'express';

/**
 * The text fields of a buffered `application/x-www-form-urlencoded` or `multipart/form-data` body,
 * first value per name, like Flask's `request.form`: file parts are left out, and any other
 * content type or a body that does not parse has no fields at all.
 */
export async function readFormFields(req: Request): Promise<Map<string, string>> {
  const fields = new Map<string, string>();
  const contentType = req.headers['content-type'] ?? '';
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  const body: unknown = req.body;
  if (!Buffer.isBuffer(body) || (mediaType !== 'application/x-www-form-urlencoded' && mediaType !== 'multipart/form-data')) return fields;
  let form: FormData;
  try {
    form = await new Response(Uint8Array.from(body), { headers: { 'content-type': contentType } }).formData();
  } catch {
    return fields;
  }
  for (const [name, value] of form) {
    if (typeof value === 'string' && !fields.has(name)) fields.set(name, value);
  }
  return fields;
}

import type { RequestHandler } from 'express';

/**
 * Yoga reads bodies itself and has no size limit, so one is enforced here, from the headers,
 * before any of the body is read: bodies over the limit get 413, and bodies of unknown length
 * (chunked) get 411, since every client we serve sends Content-Length.
 */
export function graphqlBodyLimit(limitBytes: number): RequestHandler {
  return (req, res, next) => {
    const length = req.headers['content-length'];
    const hasBody = length !== undefined || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return next();
    const fail = (status: number, message: string) => {
      res
        .status(status)
        .set('Connection', 'close')
        .json({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
      req.resume();
    };
    if (length === undefined) return fail(411, 'Content-Length required');
    if (Number(length) > limitBytes) return fail(413, `Request body larger than ${limitBytes} bytes`);
    next();
  };
}

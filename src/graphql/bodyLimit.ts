import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendTransportError } from './request';

/**
 * Yoga reads bodies itself and has no size limit, so one is enforced here, from the headers,
 * before any of the body is read: bodies over the limit get 413, and bodies of unknown length
 * (chunked) get 411, since every client we serve sends Content-Length. True when the request may
 * go on; otherwise it has been answered.
 */
export function graphqlBodyLimit(limitBytes: number): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const length = req.headers['content-length'];
    const hasBody = length !== undefined || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return true;
    const fail = (status: number, message: string) => {
      res.setHeader('Connection', 'close');
      sendTransportError(res, status, message);
      req.resume();
      return false;
    };
    if (length === undefined) return fail(411, 'Content-Length required');
    if (Number(length) > limitBytes) return fail(413, `Request body larger than ${limitBytes} bytes`);
    return true;
  };
}

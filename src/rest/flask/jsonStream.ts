import type { Request, Response } from 'express';
import { flaskJsonArray, sendJson } from './json';

/** Resolves once `res` can take more, or is gone. */
function writable(res: Response): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Sends a JSON array read in batches as a 200, byte for byte what `sendJson(res, 200, items)`
 * sends, without holding it all: each batch is encoded and written as it arrives, and the next one
 * is read only once the socket has taken the last (backpressure). A list that fits in the first
 * batch is sent as sendJson sends it, with its Content-Length. `batchSize` tells a full batch.
 * The next batch is read while the socket takes the last one, so reading overlaps sending.
 *
 * A failure before the first byte is thrown, for the router's error mapper. After it, the status
 * is sent: the error is logged and the connection closed, so the client sees a cut-off body rather
 * than a complete-looking list. A client that hangs up stops the reading.
 */
export async function streamJsonArray<T>(
  req: Request,
  res: Response,
  batches: AsyncIterable<T[]>,
  batchSize: number,
  toJson: (item: T) => unknown,
): Promise<void> {
  const iterator = batches[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done || first.value.length < batchSize) {
    await iterator.return?.();
    return sendJson(res, 200, first.done ? [] : first.value.map(toJson));
  }
  res.status(200).setHeader('Content-Type', 'application/json');
  if (req.method === 'HEAD') {
    await iterator.return?.();
    res.end();
    return;
  }
  const encode = (items: T[]) => items.map((item) => flaskJsonArray.item(toJson(item))).join(flaskJsonArray.separator);
  // The next batch is read while the socket drains the last one: at most two are held at once.
  let pending = iterator.next();
  // Handled here so that a failure while the socket drains is no unhandled rejection; awaiting
  // `pending` below still throws it.
  pending.catch(() => {});
  try {
    let more = res.write(flaskJsonArray.open + encode(first.value));
    for (;;) {
      if (!more) await writable(res);
      if (res.destroyed) return;
      const next = await pending;
      if (next.done) break;
      pending = iterator.next();
      pending.catch(() => {});
      more = res.write(flaskJsonArray.separator + encode(next.value));
    }
    res.end(flaskJsonArray.close);
  } catch (error) {
    console.error(`${req.method} ${req.originalUrl.split('?')[0]}: failed after the response began; connection closed`, error);
    res.destroy();
  } finally {
    await pending.then(
      () => iterator.return?.(),
      () => undefined,
    );
  }
}

import type { Request, Response } from 'express';
import { flaskJsonArray, sendJsonText } from './json';

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

/** The stream's writes: Buffers of about this many bytes, so no write copies a huge string. */
const CHUNK = 64 * 1024;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Sends a JSON array read in batches as a 200, byte for byte what `sendJson(res, 200, items)`
 * sends, without holding it all: each batch is encoded and written as it arrives, and the next one
 * is read only once the socket has taken the last (backpressure). A list that fits in the first
 * batch is sent as sendJson sends it, with its Content-Length. `batchSize` tells a full batch.
 * The next batch is read while the socket takes the last one, so reading overlaps sending.
 * `item` gives an item's text as `flaskJsonArray.item` lays it out, in ASCII (Flask escapes
 * the rest), so its text is copied into Buffers as latin1, the cheapest encoding; the copy
 * happens in the encode step, not later inside the socket's corked writev.
 *
 * Between batches the handler waits a turn of the event loop (setImmediate), so other requests
 * are served while the list streams even when the next batch is already there.
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
  item: (item: T) => string,
): Promise<void> {
  const iterator = batches[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done || first.value.length < batchSize) {
    await iterator.return?.();
    const items = first.done ? [] : first.value;
    return sendJsonText(res, 200, items.length === 0 ? '[]\n' : flaskJsonArray.open + items.map(item).join(flaskJsonArray.separator) + flaskJsonArray.close);
  }
  res.status(200).setHeader('Content-Type', 'application/json');
  if (req.method === 'HEAD') {
    await iterator.return?.();
    res.end();
    return;
  }
  let text: string = flaskJsonArray.open;
  let more = true;
  const encode = (items: T[], separated: boolean) => {
    for (let i = 0; i < items.length; i += 1) {
      if (separated || i > 0) text += flaskJsonArray.separator;
      text += item(items[i]!);
      if (text.length >= CHUNK) {
        more = res.write(Buffer.from(text, 'latin1')) && more;
        text = '';
      }
    }
  };
  // The next batch is read while the socket drains the last one: at most two are held at once.
  let pending = iterator.next();
  // Handled here so that a failure while the socket drains is no unhandled rejection; awaiting
  // `pending` below still throws it.
  pending.catch(() => {});
  try {
    encode(first.value, false);
    for (;;) {
      if (!more) await writable(res);
      // Also after 'drain': a write the socket took at once emits it on process.nextTick, so with
      // a batch read on this thread (db/hotReads.ts) the whole list would go out in one turn.
      await nextTurn();
      if (res.destroyed) return;
      const next = await pending;
      if (next.done) break;
      pending = iterator.next();
      pending.catch(() => {});
      more = true;
      encode(next.value, true);
    }
    res.end(Buffer.from(text + flaskJsonArray.close, 'latin1'));
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

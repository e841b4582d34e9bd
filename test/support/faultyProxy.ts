import { connect, createServer, type Socket } from 'node:net';

// A TCP proxy in front of a database that can stop answering without closing anything, as a
// network partition or a frozen server does: bytes in either direction are swallowed, and new
// connections are accepted and then ignored. Connections cut off that way stay dead after
// `heal()`, like connections whose server restarted during the partition; new ones go through.

export interface FaultyProxy {
  port: number;
  partition(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startFaultyProxy(upstreamPort: number): Promise<FaultyProxy> {
  const sockets = new Set<Socket>();
  const live = new Set<{ client: Socket; upstream: Socket }>();
  let partitioned = false;

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  };
  const swallow = (socket: Socket) => {
    socket.removeAllListeners('data');
    socket.on('data', () => undefined);
    socket.resume();
  };

  const server = createServer((client) => {
    track(client);
    if (partitioned) return swallow(client);
    const upstream = connect(upstreamPort, '127.0.0.1');
    track(upstream);
    const pair = { client, upstream };
    live.add(pair);
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      live.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));

  return {
    port: (server.address() as { port: number }).port,
    partition() {
      partitioned = true;
      for (const pair of live) {
        for (const socket of [pair.client, pair.upstream]) {
          socket.removeAllListeners('close');
          swallow(socket);
        }
      }
      live.clear();
    },
    heal() {
      partitioned = false;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

import type { Config } from './config';

/** The server could not listen; the message is one line fit for an operator. */
export class ListenError extends Error {
  override name = 'ListenError';
}

export function listenError(error: NodeJS.ErrnoException, config: Pick<Config, 'host' | 'port'>): ListenError | NodeJS.ErrnoException {
  const where = `${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return new ListenError(`Cannot listen on ${where}: the port is already in use (another Hangar, or another program); set PORT to a free one`);
    case 'EACCES':
      return new ListenError(`Cannot listen on ${where}: permission denied (ports below 1024 need privileges); set PORT to 1024 or above`);
    case 'EADDRNOTAVAIL':
      return new ListenError(`Cannot listen on ${where}: ${config.host} is not an address of this machine; check HOST`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ListenError(`Cannot listen on ${where}: the host name ${config.host} does not resolve; check HOST`);
    default:
      return error;
  }
}

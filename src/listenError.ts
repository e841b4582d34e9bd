import type { Config } from './config';

/** The server could not listen; the message is one line fit for an operator. */
export class ListenError extends Error {
  override name = 'ListenError';
}

export function listenError(error: NodeJS.ErrnoException, config: Pick<Config, 'host' | 'port'>): ListenError | NodeJS.ErrnoException {
  const where = `${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return new ListenError(`Cannot listen on ${where}: the port is already in use (EADDRINUSE); set PORT to a free one`);
    case 'EACCES':
      return new ListenError(`Cannot listen on ${where}: permission denied (EACCES; ports below 1024 need privileges); set PORT to 1024 or above`);
    case 'EADDRNOTAVAIL':
      return new ListenError(`Cannot listen on ${where}: ${config.host} is not an address of this machine (EADDRNOTAVAIL); check HOST`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ListenError(`Cannot listen on ${where}: the host name ${config.host} does not resolve (${error.code}); check HOST`);
    default:
      return error;
  }
}

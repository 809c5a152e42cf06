/**
 * Errors of the simulated network, with Node's error codes (`err.code`) so that code above the
 * network handles a simulated refusal or timeout the same way as a real one.
 */

export type NetErrorCode =
  | 'EADDRINUSE'
  | 'EADDRNOTAVAIL'
  | 'ECONNREFUSED'
  | 'ETIMEDOUT'
  | 'ERR_SOCKET_CLOSED'
  | 'ERR_STREAM_WRITE_AFTER_END'
  | 'ERR_NETWORK_CLOSED';

export class NetError extends Error {
  constructor(
    readonly code: NetErrorCode,
    detail: string,
  ) {
    super(`${detail} (${code})`);
    this.name = 'NetError';
  }
}

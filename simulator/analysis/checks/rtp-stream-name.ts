/** How the RTP checks name a stream in their messages: `src > dst SSRC 0x...`, as Wireshark shows it. */
import type { Endpoint } from '../../engine/net/endpoint.js';

function endpoint(e: Endpoint): string {
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

export function rtpStreamName(s: { readonly src: Endpoint; readonly dst: Endpoint; readonly ssrc: number }): string {
  return `${endpoint(s.src)} > ${endpoint(s.dst)} SSRC 0x${s.ssrc.toString(16).padStart(8, '0')}`;
}

/** A figure in ms for a message: at most one decimal, none when whole. */
export function ms(value: number): string {
  return `${Math.round(value * 10) / 10} ms`;
}

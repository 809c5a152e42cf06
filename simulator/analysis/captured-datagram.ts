/**
 * One UDP datagram as a capture saw it: the unit the analysers consume, whether it comes from a
 * SimNetwork tap during a run (`PacketEvent` of kind 'datagram' fits as is) or from a pcap file.
 */
import type { Endpoint } from '../engine/net/endpoint.js';

export interface CapturedDatagram {
  /** Capture time in ms: the run's epoch ms, or the file's. */
  readonly time: number;
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly data: Uint8Array;
}

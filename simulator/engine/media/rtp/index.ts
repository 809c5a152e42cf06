/** RTP and RTCP (RFC 3550, RFC 3551): packets, sessions on a Network, port pairs, receive statistics. */
export { RTP_HEADER_SIZE, RTP_VERSION, decodeRtp, encodeRtp, looksLikeRtcp, type RtpDecodeResult, type RtpHeaderExtension, type RtpPacket, type RtpPacketInit } from './packet.js';
export {
  RTCP_BYE,
  RTCP_RR,
  RTCP_SDES,
  RTCP_SR,
  SDES_CNAME,
  decodeRtcp,
  encodeRtcp,
  type ReportBlock,
  type RtcpDecodeResult,
  type RtcpPacket,
  type SenderInfo,
} from './rtcp-packet.js';
export { fromNtpShort, ntpFromEpochMs, ntpMiddle32, toNtpShort, type NtpTime } from './ntp.js';
export { ReceiveStream, type RtpStreamStats } from './receive-stats.js';
export { DEFAULT_RTP_PORTS, VIRTUAL_RTP_PORTS, RtpPortAllocator, type PortRange, type RtpPortHold, type RtpPortReservation, type RtpSocketPair } from './port-allocator.js';
export { silence, type FrameContext, type PayloadSource, type RtpFrame } from './payload-source.js';
export { RtpSender, type RtpSenderOptions } from './sender.js';
export { RtpSession, type RemoteReport, type RtpProtection, type RtpSessionEvents, type RtpSessionOptions, type RtpSessionStats } from './rtp-session.js';

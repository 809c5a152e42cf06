export { type ByteSink, MemorySink, FileSink } from './byte-sink.js';
export { Capture, type CaptureFormat, type CaptureOptions, type AttachOptions } from './capture.js';
export { PcapWriter, type CaptureFileOptions, PCAP_MAGIC_MICROSECONDS, PCAP_MAGIC_NANOSECONDS, LINKTYPE_ETHERNET, DEFAULT_SNAPLEN } from './pcap-writer.js';
export { PcapngWriter, type PcapngOptions } from './pcapng-writer.js';
export { TcpSegmenter, type TcpSegment, type StreamEvent, DEFAULT_MAX_SEGMENT_SIZE } from './tcp-segmenter.js';
export { toPacketTimestamp, type PacketTimestamp, type TimestampResolution } from './timestamp.js';
export { internetChecksum, transportChecksum } from './checksum.js';
export {
  udpFrame,
  tcpFrame,
  macAddress,
  ipAddressBytes,
  type IpFlow,
  type TcpFields,
  TCP_FIN,
  TCP_SYN,
  TCP_RST,
  TCP_PSH,
  TCP_ACK,
} from './frames.js';

/**
 * bench/sip-parse: SIP messages parsed per second by pbxlab's parser, next to SIP.js's parser
 * (a dev dependency used only here) run over the same messages in the same process, as a ratio.
 *
 * The mix is the RFC 4475 messages both should accept plus a typical INVITE/200/ACK/BYE call.
 * Each parser gets its natural input: bytes for pbxlab (what a socket delivers), a string for
 * SIP.js (what its transports hand over). Runs alternate A/B/A/B so machine noise hits both;
 * the median run counts. Writes reports/bench/sip-parse.json as well.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from 'sip.js/lib/core/messages/parser.js';
import { LoggerFactory } from 'sip.js/lib/core/log/logger-factory.js';
import { Levels } from 'sip.js/lib/core/log/levels.js';
import { parseMessage } from '../simulator/engine/sip/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CORPUS = join(ROOT, 'fixtures', 'sip', 'rfc4475');
const RUNS = 5;
const RUN_MS = Number(process.env.BENCH_RUN_MS ?? 1000);

const call = [
  `INVITE sip:bob@biloxi.example.com SIP/2.0\r\nVia: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;rport\r\nMax-Forwards: 70\r\nTo: Bob <sip:bob@biloxi.example.com>\r\nFrom: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\nCall-ID: a84b4c76e66710@pc33.atlanta.example.com\r\nCSeq: 314159 INVITE\r\nContact: <sip:alice@pc33.atlanta.example.com>\r\nAllow: INVITE, ACK, CANCEL, BYE, OPTIONS, REFER, NOTIFY\r\nSupported: replaces, timer\r\nUser-Agent: pbxlab-bench\r\nContent-Type: application/sdp\r\nContent-Length: 142\r\n\r\nv=0\r\no=alice 2890844526 2890844526 IN IP4 pc33.atlanta.example.com\r\ns=-\r\nc=IN IP4 192.0.2.101\r\nt=0 0\r\nm=audio 49172 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n`,
  `SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;received=192.0.2.101;rport=5060\r\nTo: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\nFrom: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\nCall-ID: a84b4c76e66710@pc33.atlanta.example.com\r\nCSeq: 314159 INVITE\r\nContact: <sip:bob@192.0.2.4>\r\nRecord-Route: <sip:p1.example.com;lr>\r\nContent-Type: application/sdp\r\nContent-Length: 131\r\n\r\nv=0\r\no=bob 2808844564 2808844564 IN IP4 biloxi.example.com\r\ns=-\r\nc=IN IP4 192.0.2.4\r\nt=0 0\r\nm=audio 3456 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n`,
  `ACK sip:bob@192.0.2.4 SIP/2.0\r\nVia: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds9\r\nRoute: <sip:p1.example.com;lr>\r\nMax-Forwards: 70\r\nTo: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\nFrom: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\nCall-ID: a84b4c76e66710@pc33.atlanta.example.com\r\nCSeq: 314159 ACK\r\nContent-Length: 0\r\n\r\n`,
  `BYE sip:alice@pc33.atlanta.example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKnashds10\r\nMax-Forwards: 70\r\nFrom: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\nTo: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\nCall-ID: a84b4c76e66710@pc33.atlanta.example.com\r\nCSeq: 231 BYE\r\nContent-Length: 0\r\n\r\n`,
];

const logger = new LoggerFactory();
logger.level = Levels.error;
logger.builtinEnabled = false;
const sipjsLogger = logger.getLogger('bench');

const sipjsParses = (text: string): boolean => Parser.parseMessage(text, sipjsLogger) !== undefined;
const pbxlabParses = (bytes: Uint8Array): boolean => parseMessage(bytes).ok;

// Only messages both parsers accept, so that both do the same work.
const rfc4475 = readFileSync(join(CORPUS, 'EXPECTED.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split('\t'))
  .filter(([, section, cls]) => cls === 'valid' || section!.startsWith('3.3.1') || section === '3.4.1')
  .map(([file]) => readFileSync(join(CORPUS, `${file}.dat`), 'latin1'));
const texts = [...rfc4475, ...call, ...call, ...call].filter((t) => sipjsParses(t) && pbxlabParses(Buffer.from(t, 'latin1')));
const bytes = texts.map((t) => new Uint8Array(Buffer.from(t, 'latin1')));

function measure<T>(inputs: T[], parse: (x: T) => boolean): number {
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < RUN_MS) {
    for (const x of inputs) if (parse(x)) count++;
    elapsed = performance.now() - start;
  }
  return (count / elapsed) * 1000;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

measure(bytes, pbxlabParses);
measure(texts, sipjsParses);
const ours: number[] = [];
const theirs: number[] = [];
for (let i = 0; i < RUNS; i++) {
  ours.push(measure(bytes, pbxlabParses));
  theirs.push(measure(texts, sipjsParses));
}
const result = {
  messages: texts.length,
  rfc4475Messages: rfc4475.length,
  pbxlabPerSecond: Math.round(median(ours)),
  sipjsPerSecond: Math.round(median(theirs)),
  ratio: Number((median(ours) / median(theirs)).toFixed(2)),
  runs: RUNS,
  runMs: RUN_MS,
  node: process.version,
};
console.log(`sip-parse: ${result.messages} messages in the mix (${rfc4475.filter((t) => texts.includes(t)).length} from RFC 4475, the rest a typical call)`);
console.log(`  pbxlab  ${result.pbxlabPerSecond.toLocaleString('en')} messages/s`);
console.log(`  sip.js  ${result.sipjsPerSecond.toLocaleString('en')} messages/s`);
console.log(`  ratio pbxlab/sip.js = ${result.ratio}`);
mkdirSync(join(ROOT, 'reports', 'bench'), { recursive: true });
writeFileSync(join(ROOT, 'reports', 'bench', 'sip-parse.json'), `${JSON.stringify(result, null, 2)}\n`);

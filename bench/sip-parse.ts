/**
 * bench/sip-parse: SIP messages parsed per second by pbxlab's parser, next to two reference
 * parsers run over the same messages in the same process, as ratios: SIP.js's (a PEG grammar that
 * validates each header) and kirm's `sip` package (regular expressions, errors swallowed). Both are
 * dev dependencies used only here.
 *
 * The mix is the RFC 4475 messages both should accept plus a typical INVITE/200/ACK/BYE call.
 * Each parser gets its natural input: bytes for pbxlab (what a socket delivers), a string for
 * the others (what their transports hand over). Runs alternate between the parsers so machine
 * noise hits all of them; the median run counts. Writes reports/bench/sip-parse.json as well.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from 'sip.js/lib/core/messages/parser.js';
import { LoggerFactory } from 'sip.js/lib/core/log/logger-factory.js';
import { Levels } from 'sip.js/lib/core/log/levels.js';
import { createRequire } from 'node:module';
import { parseMessage } from '../simulator/engine/sip/index.js';

const kirm = createRequire(import.meta.url)('sip') as { parse(text: string): unknown };

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
const kirmParses = (text: string): boolean => kirm.parse(text) !== undefined;

// Only messages both parsers accept, so that both do the same work.
const rfc4475 = readFileSync(join(CORPUS, 'EXPECTED.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split('\t'))
  .filter(([, section, cls]) => cls === 'valid' || section!.startsWith('3.3.1') || section === '3.4.1')
  .map(([file]) => readFileSync(join(CORPUS, `${file}.dat`), 'latin1'));
const texts = [...rfc4475, ...call, ...call, ...call].filter((t) => sipjsParses(t) && kirmParses(t) && pbxlabParses(Buffer.from(t, 'latin1')));
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

const parsers = {
  pbxlab: () => measure(bytes, pbxlabParses),
  sipjs: () => measure(texts, sipjsParses),
  kirm: () => measure(texts, kirmParses),
};
const runs: Record<keyof typeof parsers, number[]> = { pbxlab: [], sipjs: [], kirm: [] };
for (const run of Object.values(parsers)) run();
for (let i = 0; i < RUNS; i++) for (const [name, run] of Object.entries(parsers)) runs[name as keyof typeof parsers].push(run());

const perSecond = { pbxlab: median(runs.pbxlab), sipjs: median(runs.sipjs), kirm: median(runs.kirm) };
const result = {
  messages: texts.length,
  rfc4475Messages: rfc4475.filter((t) => texts.includes(t)).length,
  perSecond: Object.fromEntries(Object.entries(perSecond).map(([k, v]) => [k, Math.round(v)])),
  ratioToSipjs: Number((perSecond.pbxlab / perSecond.sipjs).toFixed(2)),
  ratioToKirm: Number((perSecond.pbxlab / perSecond.kirm).toFixed(2)),
  runs: RUNS,
  runMs: RUN_MS,
  node: process.version,
};
const fmt = (n: number): string => Math.round(n).toLocaleString('en').padStart(10);
console.log(`sip-parse: ${result.messages} messages in the mix (${result.rfc4475Messages} from RFC 4475, the rest a typical call); median of ${RUNS} runs of ${RUN_MS} ms`);
console.log(`  pbxlab       ${fmt(perSecond.pbxlab)} messages/s`);
console.log(`  sip.js       ${fmt(perSecond.sipjs)} messages/s   ratio pbxlab/sip.js = ${result.ratioToSipjs}`);
console.log(`  sip (kirm)   ${fmt(perSecond.kirm)} messages/s   ratio pbxlab/kirm   = ${result.ratioToKirm}`);
mkdirSync(join(ROOT, 'reports', 'bench'), { recursive: true });
writeFileSync(join(ROOT, 'reports', 'bench', 'sip-parse.json'), `${JSON.stringify(result, null, 2)}\n`);

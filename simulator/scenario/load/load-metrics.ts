/**
 * What a load run measures on the wire (network taps, so that it works against the simulated PBX
 * and against a device alike; a request when it leaves the caller, a response when the caller
 * has it; when the load's phones are the callees, `arrival: incoming`, the INVITE when it reaches
 * the phone and a response when the phone sends it): for every call a caller starts (its first
 * INVITE, RFC 3261 13.2.1),
 * the setup time to the first 18x and the post-dial delay to the 200 (the first INVITE is the
 * start, so a digest challenge counts in both), the final failure status (401 and 407 are
 * challenges, not failures), and requests sent again unchanged (retransmissions, 17.1.1.2). The
 * runner adds what only the script knows: calls started and ended (concurrency) and why a script
 * failed. Everything is also counted per interval for the time series.
 */
import type { PacketEvent } from '../../engine/net/index.js';
import { parseMessage } from '../../engine/sip/index.js';
import { Sample, type PercentileSummary } from './percentiles.js';

interface InviteTiming {
  readonly at: number;
  ringing: boolean;
  settled: boolean;
  readonly sent: Set<string>;
}

/** One interval of the time series. */
export interface IntervalRow {
  /** Start of the interval, ms since the load started. */
  readonly atMs: number;
  started: number;
  answered: number;
  failed: number;
  /** Calls in progress (started by the script, not yet ended) at the end of the interval. */
  concurrent: number;
  readonly setup: Sample;
  readonly postDial: Sample;
}

export interface LoadFigures {
  readonly invites: number;
  readonly answered: number;
  readonly failedByStatus: Readonly<Record<string, number>>;
  readonly retransmissions: number;
  readonly setupTimeMs: PercentileSummary | undefined;
  readonly postDialDelayMs: PercentileSummary | undefined;
}

const CHALLENGES = new Set([401, 407]);

/**
 * What a call that got its final response leaves behind: its Call-ID still names it, so that an
 * INVITE sent again after the answer (a callee gets the proxy's retransmission that crossed its
 * 200) counts as a retransmission, not as a new call.
 */
const SETTLED: InviteTiming = Object.freeze({ at: 0, ringing: true, settled: true, sent: new Set<string>() });

export class LoadMetrics {
  private readonly calls = new Map<string, InviteTiming>();
  private readonly setup = new Sample();
  private readonly postDial = new Sample();
  private readonly byStatus = new Map<number, number>();
  private readonly rows: IntervalRow[] = [];
  private invites = 0;
  private answered = 0;
  private retransmissions = 0;
  private inProgress = 0;

  /**
   * `isPhone(address)`: whether the address is one of the load's phones, which are the callers
   * (an INVITE it sends starts a measured call) or, `side: 'callee'`, the callees (an INVITE it
   * receives does); `now()`: ms since the load started.
   */
  constructor(
    private readonly isPhone: (address: string) => boolean,
    private readonly intervalMs: number,
    private readonly now: () => number,
    private readonly side: 'caller' | 'callee' = 'caller',
  ) {}

  /** Tap for what is sent: a caller's INVITE when it leaves, a callee's response. */
  readonly sent = (e: PacketEvent): void => {
    // Only INVITEs (I) are measured among the requests; responses start with S.
    const first = this.side === 'caller' ? 0x49 : 0x53;
    if (e.kind !== 'datagram' || e.data[0] !== first || !this.isPhone(e.src.address)) return;
    this.take(e.data, this.side === 'caller');
  };

  /** Tap for what is received: a response when the caller has it, an INVITE reaching a callee. */
  readonly received = (e: PacketEvent): void => {
    const first = this.side === 'caller' ? 0x53 : 0x49;
    if (e.kind !== 'datagram' || e.data[0] !== first || !this.isPhone(e.dst.address)) return;
    this.take(e.data, this.side === 'callee');
  };

  private take(data: Uint8Array, request: boolean): void {
    const parsed = parseMessage(data);
    if (!parsed.ok || (parsed.message.kind === 'request') !== request) return;
    const m = parsed.message;
    const callId = m.callId;
    if (callId === undefined) return;
    const at = this.now();
    if (m.kind === 'request') {
      if (m.method !== 'INVITE') return;
      const key = `${m.headers.get('cseq') ?? ''} ${m.headers.get('via') ?? ''}`;
      let call = this.calls.get(callId);
      if (call === SETTLED) {
        this.retransmissions++;
        return;
      }
      if (call === undefined) {
        call = { at, ringing: false, settled: false, sent: new Set() };
        this.calls.set(callId, call);
        this.invites++;
        this.row(at).started++;
      } else if (call.sent.has(key)) {
        this.retransmissions++;
      }
      call.sent.add(key);
      return;
    }
    const call = this.calls.get(callId);
    if (call === undefined || call.settled || !/\bINVITE\b/i.test(m.headers.get('cseq') ?? '')) return;
    const status = m.status;
    if (status >= 180 && status < 200 && !call.ringing) {
      call.ringing = true;
      this.setup.add(at - call.at);
      this.row(at).setup.add(at - call.at);
    } else if (status >= 200 && status < 300) {
      call.settled = true;
      this.answered++;
      this.postDial.add(at - call.at);
      const row = this.row(at);
      row.answered++;
      row.postDial.add(at - call.at);
      this.calls.set(callId, SETTLED);
    } else if (status >= 300 && !CHALLENGES.has(status)) {
      call.settled = true;
      this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
      this.row(at).failed++;
      this.calls.set(callId, SETTLED);
    }
  }

  /** The script started a call (for concurrency). */
  callStarted(): void {
    this.inProgress++;
    this.row(this.now()).concurrent = this.inProgress;
  }

  callEnded(): void {
    this.inProgress--;
    this.row(this.now()).concurrent = this.inProgress;
  }

  /** Calls answered so far (cheap, for progress). */
  get answeredSoFar(): number {
    return this.answered;
  }

  figures(): LoadFigures {
    return {
      invites: this.invites,
      answered: this.answered,
      failedByStatus: Object.fromEntries([...this.byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => [String(s), n])),
      retransmissions: this.retransmissions,
      setupTimeMs: this.setup.summary(),
      postDialDelayMs: this.postDial.summary(),
    };
  }

  /** The intervals from the first to the one holding `endMs`, empty ones included. */
  series(endMs: number): readonly IntervalRow[] {
    this.row(endMs);
    return this.rows;
  }

  private row(atMs: number): IntervalRow {
    const index = Math.floor(atMs / this.intervalMs);
    while (this.rows.length <= index) {
      const concurrent = this.rows.at(-1)?.concurrent ?? 0;
      this.rows.push({ atMs: this.rows.length * this.intervalMs, started: 0, answered: 0, failed: 0, concurrent, setup: new Sample(), postDial: new Sample() });
    }
    return this.rows[index]!;
  }
}

/**
 * The answering side of a load test, the equivalent of SIPp's built-in `uas` scenario on this
 * engine: every INVITE gets 180 Ringing then, after an optional delay, 200 OK (or a configured
 * rejection); BYE and OPTIONS are answered by the UA core. When the UA's session descriptions are
 * CallMedia, each call's media is reported, and DTMF sent by SIP INFO reaches it. Runs on any
 * clock and network, so the same agent serves `pbxlab uas` on real sockets and tests in virtual time.
 */
import type { Timer } from '../../engine/clock/index.js';
import { CallMedia } from '../../engine/media/call/index.js';
import type { IncomingInvite, Session, UserAgent } from '../../engine/ua/index.js';
import { callMediaReport, type CallMediaReport, type CallSummary } from './call-summary.js';

export interface AnsweringAgentOptions {
  /** Delay between the 180 and the final answer, in ms. Default 0. */
  answerDelayMs?: number;
  /** Reject every INVITE with this status instead of answering. */
  rejectStatus?: number;
  /** Stop (fire `done`) once this many calls have ended. */
  maxCalls?: number;
  onDone?: () => void;
}

export class AnsweringAgent {
  private readonly counts = { calls: 0, answered: 0, completed: 0, failed: 0, rejected: 0 };
  private ended = 0;
  private readonly started: number;
  private readonly pending = new Set<Timer>();
  private readonly media: CallMediaReport[] = [];
  private finished = false;

  constructor(
    readonly ua: UserAgent,
    private readonly options: AnsweringAgentOptions = {},
  ) {
    this.started = ua.clock.now();
    ua.delegate = { ...ua.delegate, onInvite: (invite) => this.receive(invite) };
  }

  get done(): boolean {
    return this.finished;
  }

  summary(): CallSummary {
    const t = this.ua.transport.stats;
    // Challenges (401/407) are the normal first answer under digest auth, not errors.
    const rejectedByChecks = Object.entries(this.ua.stats.rejected).reduce((n, [status, count]) => (status === '401' || status === '407' ? n : n + count), 0);
    return {
      role: 'uas',
      ...this.counts,
      retransmissions: this.ua.stats.requestRetransmissions + this.ua.stats.okRetransmissions,
      errors: t.badRequestsAnswered + t.badRequestsDropped + t.badResponsesDropped + rejectedByChecks,
      durationMs: Math.round(this.ua.clock.now() - this.started),
      ...(this.media.length > 0 && { media: this.media }),
    };
  }

  /** Stops answering; calls in progress are left to end by themselves. */
  stop(): void {
    for (const t of this.pending) t.cancel();
    this.pending.clear();
  }

  private receive(invite: IncomingInvite): void {
    this.counts.calls++;
    invite.progress(180);
    invite.on('canceled', () => this.end('failed'));
    const answer = (): void => {
      if (invite.answered) return;
      if (this.options.rejectStatus !== undefined) {
        if (invite.reject(this.options.rejectStatus)) this.counts.rejected++;
        this.end();
        return;
      }
      const session = invite.accept();
      if (session === undefined) {
        this.end('failed');
        return;
      }
      this.counts.answered++;
      this.follow(session);
    };
    const delay = this.options.answerDelayMs ?? 0;
    if (delay <= 0) {
      answer();
      return;
    }
    const timer = this.ua.clock.setTimer(delay, () => {
      this.pending.delete(timer);
      answer();
    });
    this.pending.add(timer);
  }

  private follow(session: Session): void {
    session.on('request', (request) => {
      if (request.method === 'INFO' && session.descriptions instanceof CallMedia) session.descriptions.receiveInfo(request.body);
    });
    session.on('terminated', (reason) => {
      const report = callMediaReport(session);
      if (report !== undefined) this.media.push(report);
      this.end(reason === 'bye-received' ? 'completed' : 'failed');
    });
  }

  private end(outcome?: 'completed' | 'failed'): void {
    if (outcome !== undefined) this.counts[outcome]++;
    this.ended++;
    if (!this.finished && this.options.maxCalls !== undefined && this.ended >= this.options.maxCalls) {
      this.finished = true;
      this.options.onDone?.();
    }
  }
}

/**
 * The UAS side of an INVITE (RFC 3261 13.3): provisional responses (reliable ones per RFC 3262
 * when both sides support 100rel), the answer through the session's offer/answer hooks (488 when
 * the offer cannot be answered), rejection, and CANCEL (9.2: 487 to the INVITE). Accepting returns
 * the session, which retransmits the 2xx until the ACK.
 */
import { Emitter } from '../emitter.js';
import { Dialog } from '../sip/dialog/dialog.js';
import type { SipResponse } from '../sip/message.js';
import { bodyOf, OfferAnswerError, type SessionDescriptionHandler, type SipBody } from './body.js';
import type { IncomingRequest, ResponseInit } from './incoming-request.js';
import { ReliableResponse } from './reliable-response.js';
import { Session } from './session.js';
import type { UserAgent } from './user-agent.js';

export type IncomingInviteEvents = {
  /** The caller canceled (CANCEL, or BYE in the early dialog); the INVITE got its 487. */
  canceled: () => void;
  /** The INVITE got its final response or was canceled. */
  ended: (status: number) => void;
};

export interface ProgressOptions extends ResponseInit {
  /** Send it reliably (RFC 3262); default: when this UA requires 100rel or the caller does. */
  reliable?: boolean;
}

const has100rel = (value: string | undefined): boolean => /(^|[\s,])100rel($|[\s,])/i.test(value ?? '');

export class IncomingInvite extends Emitter<IncomingInviteEvents> {
  /** The offer in the INVITE, if it had one. */
  readonly offer: SipBody | undefined;
  readonly descriptions: SessionDescriptionHandler | undefined;
  private sessionValue?: Session;
  private rseq = 0;
  /** The RSeq of the last reliable provisional response whose PRACK came. */
  private pracked = 0;
  private unacked?: { response: SipResponse; wait: ReliableResponse };
  private finalStatus?: number;

  constructor(
    private readonly core: UserAgent,
    readonly incoming: IncomingRequest,
    descriptions?: SessionDescriptionHandler,
  ) {
    super();
    this.offer = bodyOf(incoming.request);
    this.descriptions = descriptions;
  }

  get request() {
    return this.incoming.request;
  }

  /** The early or confirmed session, once a tagged provisional or the 2xx was sent. */
  get session(): Session | undefined {
    return this.sessionValue;
  }

  get answered(): boolean {
    return this.finalStatus !== undefined;
  }

  /** A provisional response (180 by default). Returns false once the INVITE has a final answer. */
  progress(status = 180, options: ProgressOptions = {}): boolean {
    if (this.answered || status < 101 || status > 199) return false;
    const session = this.ensureSession(true);
    const reliable = this.core.prackMode !== 'off' && (options.reliable ?? (this.core.prackMode === 'required' || has100rel(this.request.headers.get('require'))));
    if (reliable && !this.peerSupports100rel()) return this.fail(421, 'the caller does not support 100rel');
    if (reliable && this.unacked !== undefined) return false;
    const headers: (readonly [string, string])[] = [this.core.contactHeader(this.incoming.context.transport), ...(options.headers ?? [])];
    if (reliable) headers.push(['Require', '100rel'], ['RSeq', String(++this.rseq)]);
    const response = this.incoming.respond(status, { ...options, headers });
    if (response === undefined) return false;
    if (reliable) {
      const wait = new ReliableResponse({
        clock: this.core.clock,
        timers: this.core.timers,
        capAtT2: false,
        resend: () => this.incoming.send(response),
        onTimeout: () => {
          this.unacked = undefined;
          this.reject(500, { reason: 'Provisional Response Not Acknowledged' });
        },
      });
      this.unacked = { response, wait };
      session.prackHandler = (prack) => this.receivePrack(prack);
    }
    return true;
  }

  /**
   * Answers 200 with the session's answer (or offer, when the INVITE had none). Returns the
   * session, or undefined when the INVITE could not be answered (488 sent for a bad offer).
   */
  accept(options: { body?: SipBody; headers?: [string, string][] } = {}): Session | undefined {
    if (this.answered) return undefined;
    let body = options.body;
    try {
      body ??= this.offer !== undefined ? this.descriptions?.answer(this.offer) : this.descriptions?.createOffer();
    } catch (e) {
      if (!(e instanceof OfferAnswerError)) throw e;
      this.fail(488, e.message);
      return undefined;
    }
    const session = this.ensureSession(false);
    this.stopReliable();
    const response = this.incoming.respond(200, {
      headers: [this.core.contactHeader(this.incoming.context.transport), ...this.core.capabilityHeaders(), ...(options.headers ?? [])],
      ...(body !== undefined && { body }),
    });
    if (response === undefined) return undefined;
    this.finalStatus = 200;
    session.dialog.confirm();
    session.awaitAck(this.request.cseq?.seq ?? 0, () => this.incoming.send(response), this.offer === undefined && body !== undefined);
    this.emit('ended', 200);
    return session;
  }

  /** A final non-2xx answer (486 Busy Here by default). */
  reject(status = 486, init: ResponseInit = {}): boolean {
    if (this.answered || status < 300) return false;
    this.stopReliable();
    if (this.incoming.respond(status, init) === undefined) return false;
    this.finalStatus = status;
    this.sessionValue?.end('rejected');
    this.descriptions?.close?.();
    this.emit('ended', status);
    return true;
  }

  /** 9.2: the CANCEL matched this INVITE (the core has answered the CANCEL itself). */
  receiveCancel(): void {
    if (this.answered) return;
    this.reject(487);
    this.emit('canceled');
  }

  private fail(status: number, why: string): false {
    this.reject(status, { headers: [this.core.warning(why)] });
    return false;
  }

  private peerSupports100rel(): boolean {
    const h = this.request.headers;
    return has100rel(h.get('supported')) || has100rel(h.get('require'));
  }

  private receivePrack(prack: IncomingRequest): void {
    const rack = /^\s*(\d+)\s+(\d+)\s+INVITE\s*$/i.exec(prack.request.headers.get('rack') ?? '');
    // RFC 3262 section 3: the last reliable provisional stays unacknowledged (so its PRACK gets a
    // 200, not a 481) even when a final response stopped its retransmissions first; a 481 would
    // end the caller's dialog (RFC 3261 12.2.1.2) while this side keeps it.
    if (rack === null || Number(rack[1]) !== this.rseq || this.rseq <= this.pracked || Number(rack[2]) !== this.request.cseq?.seq) {
      prack.respond(481);
      return;
    }
    this.pracked = this.rseq;
    this.stopReliable();
    prack.respond(200);
  }

  private stopReliable(): void {
    this.unacked?.wait.stop();
    this.unacked = undefined;
  }

  private ensureSession(early: boolean): Session {
    if (this.sessionValue !== undefined) return this.sessionValue;
    const dialog = Dialog.fromUasRequest(this.request, this.incoming.toTag, early, {
      branch: () => this.core.newBranch(),
      localContact: this.core.contact(this.incoming.context.transport),
    });
    const session = new Session({
      core: this.core,
      dialog,
      transport: this.incoming.context.transport,
      ...(this.descriptions !== undefined && { descriptions: this.descriptions }),
    });
    session.on('terminated', (reason) => {
      // A BYE in the early dialog ends the INVITE too (15.1.2 from the UAC's side).
      this.stopReliable();
      if (!this.answered && reason === 'bye-received') this.receiveCancel();
    });
    this.sessionValue = session;
    return session;
  }
}

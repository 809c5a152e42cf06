/**
 * Dialogs of one Call-ID (RFC 3261 12): identified by Call-ID and the two tags, created early by
 * a provisional response with a To tag (12.1, forking gives several early dialogs of one INVITE),
 * confirmed by a 2xx, terminated by a BYE (15) or by the INVITE's non-2xx final response (12.3).
 */
import { statusOf, type SipTransaction } from './transactions.js';
import { fromTag, toTag } from './sip-fields.js';

export type DialogState = 'early' | 'confirmed' | 'terminated';

export interface SipDialog {
  readonly callId: string;
  /** The caller's tag (From of the dialog-creating INVITE). */
  readonly callerTag: string;
  /** The callee's tag (To of the response). */
  readonly calleeTag: string;
  /** The state at the end of the trace. */
  readonly state: DialogState;
  readonly createdAt: number;
  readonly confirmedAt?: number;
  readonly terminatedAt?: number;
}

interface Building {
  callId: string;
  callerTag: string;
  calleeTag: string;
  state: DialogState;
  createdAt: number;
  confirmedAt?: number;
  terminatedAt?: number;
}

/** The dialogs the transactions of one Call-ID create, in order of creation. */
export function dialogsOf(callId: string, transactions: readonly SipTransaction[]): SipDialog[] {
  const dialogs = new Map<string, Building>();
  const find = (a: string | undefined, b: string | undefined): Building | undefined =>
    a === undefined || b === undefined ? undefined : (dialogs.get(`${a}|${b}`) ?? dialogs.get(`${b}|${a}`));
  const events = transactions.flatMap((tx) => [...tx.requests.slice(0, 1), ...tx.responses].map((t) => ({ tx, t })));
  events.sort((x, y) => x.t.index - y.t.index);
  for (const { tx, t } of events) {
    const m = t.message;
    const status = statusOf(t);
    const caller = fromTag(m);
    const callee = toTag(m);
    if (tx.method === 'INVITE' && status !== undefined && caller !== undefined) {
      const existing = find(caller, callee);
      if (status > 100 && status < 200 && callee !== undefined && existing === undefined) {
        dialogs.set(`${caller}|${callee}`, { callId, callerTag: caller, calleeTag: callee, state: 'early', createdAt: t.entry.at });
      } else if (status >= 200 && status < 300 && callee !== undefined) {
        const d = existing ?? { callId, callerTag: caller, calleeTag: callee, state: 'early' as DialogState, createdAt: t.entry.at };
        dialogs.set(`${d.callerTag}|${d.calleeTag}`, d);
        if (d.state === 'early') {
          d.state = 'confirmed';
          d.confirmedAt = t.entry.at;
        }
      } else if (status >= 300) {
        for (const d of dialogs.values()) {
          if (d.state === 'early' && d.callerTag === caller) terminate(d, t.entry.at);
        }
      }
    }
    if (tx.method === 'BYE' && m.kind === 'request') {
      const d = find(caller, callee);
      if (d !== undefined) terminate(d, t.entry.at);
    }
  }
  return [...dialogs.values()];
}

function terminate(d: Building, at: number): void {
  if (d.state === 'terminated') return;
  d.state = 'terminated';
  d.terminatedAt = at;
}

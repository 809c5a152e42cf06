/**
 * The dialogs of one outgoing INVITE (RFC 3261 section 13.2.2.4): a forking proxy can return
 * provisional and 2xx responses from several UASs, each To tag making a dialog of its own.
 */
import type { SipRequest, SipResponse } from '../message.js';
import { Dialog, type DialogOptions } from './dialog.js';
import { LazyMap } from '../../lazy-collections.js';

const tagOf = (params: { get(name: string): string | null | undefined } | undefined): string => {
  const tag = params?.get('tag');
  return typeof tag === 'string' ? tag : '';
};

export class DialogSet {
  readonly callId: string;
  readonly localTag: string;
  private readonly byRemoteTag = new LazyMap<string, Dialog>();

  constructor(
    readonly request: SipRequest,
    private readonly options: DialogOptions,
  ) {
    const callId = request.callId;
    if (callId === undefined) throw new Error('a dialog set needs a request with a Call-ID');
    this.callId = callId;
    this.localTag = tagOf(request.from?.params);
  }

  /** Every dialog, terminated ones included. */
  get size(): number {
    return this.byRemoteTag.size;
  }

  get dialogs(): Dialog[] {
    return [...this.byRemoteTag.values()];
  }

  get(remoteTag: string): Dialog | undefined {
    return this.byRemoteTag.get(remoteTag);
  }

  /**
   * A response to the INVITE: a tagged 101-199 or a 2xx creates or updates the dialog of its To
   * tag and returns it; a 300-699 ends every early dialog (13.2.2.3); others return undefined.
   */
  receiveResponse(response: SipResponse): Dialog | undefined {
    const cseq = response.cseq;
    const sent = this.request.cseq;
    if (response.callId !== this.callId || tagOf(response.from?.params) !== this.localTag) return undefined;
    if (cseq === undefined || sent === undefined || cseq.method !== sent.method || cseq.seq !== sent.seq) return undefined;
    if (response.status >= 300) {
      for (const dialog of this.byRemoteTag.values()) if (dialog.state === 'early') dialog.terminate();
      return undefined;
    }
    const remoteTag = tagOf(response.to?.params);
    if (response.status < 200 && (response.status === 100 || remoteTag === '')) return undefined;
    const existing = this.byRemoteTag.get(remoteTag);
    if (existing !== undefined) {
      existing.receiveResponse(response);
      return existing;
    }
    const dialog = Dialog.fromUacResponse(this.request, response, this.options);
    this.byRemoteTag.set(remoteTag, dialog);
    return dialog;
  }

  /**
   * The live dialog an incoming request belongs to (Call-ID, To tag as the local tag, From tag as
   * the remote tag); undefined tells the UA to answer 481 (12.2.2).
   */
  find(request: SipRequest): Dialog | undefined {
    if (request.callId !== this.callId || tagOf(request.to?.params) !== this.localTag) return undefined;
    const dialog = this.byRemoteTag.get(tagOf(request.from?.params));
    return dialog?.state === 'terminated' ? undefined : dialog;
  }
}

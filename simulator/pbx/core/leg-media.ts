/**
 * What the PBX needs of one SIP leg's media (ARCHITECTURE.md "The call-control core"): the SDP
 * offer/answer of its session, the audio the call's mixer sends and hears, and digits. The
 * anchored `CallMedia` is one; an `SdpRelay` (media not anchored) is the other.
 */
import type { CallDigit } from '../../engine/media/call/index.js';
import type { SessionDescriptionHandler, SipBody } from '../../engine/ua/index.js';
import type { AudioPort } from './audio-mixer.js';

export interface LegMedia extends SessionDescriptionHandler, AudioPort {
  readonly negotiated: { readonly remoteHold: boolean; readonly telephoneEvent?: unknown } | undefined;
  readonly closed: boolean;
  sendDtmf(digits: string, mode: 'rfc4733' | 'inband'): void;
  /** The body of an INFO received in the dialog; true when it carried a digit. */
  receiveInfo(body: SipBody | undefined): boolean;
  on(event: 'digit', listener: (digit: CallDigit) => void): () => void;
  on(event: 'audio', listener: (pcm: Int16Array) => void): () => void;
}

/**
 * The PBX's log lines (`pbxlab serve` prints them): one consumer of the typed events
 * (core/events.ts), one line per registration change, call, transfer and state change, per
 * IVR step (simulator/pbx/README.md "IVR"; digits are left out), and per interop finding.
 */
import type { PbxEvent } from './core/events.js';

export function eventLogLine(e: PbxEvent): string | undefined {
  switch (e.type) {
    case 'registration-changed':
      return `${e.kind} ${e.user} (ext ${e.extension}) ${e.contact}${e.expires !== undefined ? ` expires ${e.expires}s` : ''}`;
    case 'digest-uri-mismatch':
      return `finding: ${e.user} signs digest credentials for ${e.uri}, not the Request-URI ${e.requestUri} (${e.method}; RFC 3261 22.4); accepted, auth.strictDigestUri refuses it`;
    case 'call-started':
      return `call ${e.caller}${e.user !== undefined ? ` (${e.user})` : ''} -> ${e.dialled}${e.forwardedBy !== undefined ? ` (forwarded by ${e.forwardedBy} to ${e.target})` : ''}`;
    case 'call-answered':
      return `call ${e.caller} -> ${e.dialled}: answered by ${e.by}`;
    case 'call-transferred':
      return `call ${e.call}: ${transferText(e)}`;
    case 'call-rejected':
      return `call ${e.caller} -> ${e.dialled}: ${e.status} ${e.why}`;
    case 'call-ended':
      return `call ${e.caller} -> ${e.dialled}: ended ${e.disposition} (${e.status})${e.hangupBy !== undefined ? `, hung up by the ${e.hangupBy}` : ''}`;
    case 'extension-state-changed':
      return e.field === 'dnd' ? `do not disturb ${e.value === true ? 'on' : 'off'} for ${e.extension} (${e.by})` : `extension ${e.extension}: ${e.field} = ${JSON.stringify(e.value)} (${e.by})`;
    case 'ivr-entered':
      return `call ${e.call}: IVR ${e.block}`;
    case 'ivr-option':
      return `call ${e.call}: IVR ${e.block} option ${e.option}`;
    case 'ivr-timeout':
      return `call ${e.call}: IVR ${e.block} timeout`;
    case 'ivr-invalid':
      return `call ${e.call}: IVR ${e.block} invalid ${e.digits}`;
    case 'ivr-out-of-hours':
      return `call ${e.call}: IVR ${e.block} out of hours (${e.profile})`;
    case 'ivr-rating':
      return `call ${e.call}: IVR ${e.block} rating ${e.note}`;
    case 'ivr-left':
      return `call ${e.call}: IVR ${e.block} left (${e.how}${e.to !== undefined ? ` to ${e.to}` : ''})`;
    default:
      return undefined;
  }
}

function transferText(e: Extract<PbxEvent, { type: 'call-transferred' }>): string {
  const by = e.by !== undefined ? ` by ${e.by}` : '';
  switch (e.how) {
    case 'recall':
      return e.by !== undefined ? `transfer to ${e.by} unanswered, recalling ${e.to}` : `recalled ${e.to}`;
    case 'forward':
      return `forwarded ${e.by ?? ''} -> ${e.to}`;
    case 'pickup':
      return `picked up by ${e.to}`;
    case 'consultation':
      return `consultation${by} with ${e.to}`;
    case 'join':
      return `joined ${e.to}`;
    default:
      return `${e.how} transfer${by} to ${e.to}`;
  }
}

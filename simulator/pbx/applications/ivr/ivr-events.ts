/**
 * The IVR's typed events (ARCHITECTURE.md "Events"), added to the PBX's event map by module
 * augmentation so that core/events.ts does not change. `call` is the PBX call the caller came in
 * on (as in `call-started` and `call-ended`); `block` a block's name.
 */
export {};

declare module '../../core/events.js' {
  interface ApplicationEventMap {
    /** The caller reached a block (dialled, from another block, or back after an unanswered connection). */
    'ivr-entered': { call: string; block: string };
    'ivr-digit': { call: string; block: string; digit: string };
    /** An option is taken: its key (`1`, `#`, `21`, `T`, `I`). */
    'ivr-option': { call: string; block: string; option: string };
    'ivr-timeout': { call: string; block: string };
    'ivr-invalid': { call: string; block: string; digits: string };
    'ivr-out-of-hours': { call: string; block: string; profile: string };
    'ivr-rating': { call: string; block: string; note: number };
    /** The caller left the IVR: `connected` (to `to`), `hangup` (the IVR hung up), `caller` (hung up). */
    'ivr-left': { call: string; block: string; how: 'connected' | 'hangup' | 'caller'; to?: string };
  }
}

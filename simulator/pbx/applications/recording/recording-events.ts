/**
 * Recording's typed events (ARCHITECTURE.md "Events"), added to the PBX's event map by module
 * augmentation. `call` is the core call recorded (as in `call-started`); `protocol` the
 * recording's unique id; `part` the part of the call's recording (a stopped and restarted
 * recording has several).
 */
export {};

declare module '../../core/events.js' {
  interface ApplicationEventMap {
    'recording-started': { call: string; protocol: string; part: number; reason: string; by?: string };
    /** A recording ended: `stored`, or dropped as `too-short` (wait time), `excluded` (exclusion list) or `failed`. */
    'recording-stopped': { call: string; protocol: string; part: number; outcome: 'stored' | 'too-short' | 'excluded' | 'failed'; durationMs: number; participants: string };
    /** A note was added to a stored recording. */
    'recording-noted': { protocol: string };
    /** A stored recording was deleted: by the retention (`retention`) or a user (`user`). */
    'recording-deleted': { protocol: string; why: 'retention' | 'user' };
  }
}

/**
 * The conference rooms' typed events (ARCHITECTURE.md "Events"), added to the PBX's event map by
 * module augmentation so that core/events.ts does not change. `room` is the room's number,
 * `number` a participant's extension.
 */
export {};

export type ConferenceRole = 'participant' | 'admin';
export type ConferenceRefusal = 'unknown-room' | 'wrong-pin' | 'closed' | 'full' | 'locked';

declare module '../../core/events.js' {
  interface ApplicationEventMap {
    /** `count`: the participants in the room now, this one included. */
    'conference-joined': { room: string; number: string; party: string; role: ConferenceRole; muted: boolean; listenOnly: boolean; count: number };
    /** `how`: `hangup` (the participant hung up) or `removed` (by an admin's key 3). */
    'conference-left': { room: string; number: string; party: string; how: 'hangup' | 'removed'; count: number };
    'conference-refused': { room: string; number: string; why: ConferenceRefusal };
    /** An admin's key 2: entry of new members locked or unlocked. */
    'conference-locked': { room: string; by: string; locked: boolean };
    /** An admin's key 1: the participants (not admins, not listen-only) muted or unmuted. */
    'conference-muted': { room: string; by: string; muted: boolean; numbers: string[] };
  }
}

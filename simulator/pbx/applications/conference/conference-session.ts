/**
 * One caller's way into a room (simulator/pbx/README.md "Conference rooms"): the call is answered
 * on a private line; the PIN keyed with the code decides the role (admin PIN: admin, participant
 * PIN: participant; a room without PINs takes everybody as a participant); a room outside its
 * dates, full or locked plays its prompt and hangs up. The joiner hears how many are present
 * (when the room announces it) or that it is the first (unless disabled), then enters the mix.
 */
import type { ApplicationContext, InboundCall } from '../../core/application.js';
import { offsetMinutes } from '../ivr/time-profile.js';
import type { ConferenceRefusal, ConferenceRole } from './conference-events.js';
import { keyedPin } from './conference-numbers.js';
import { ConferencePrompts } from './conference-prompts.js';
import type { ConferenceRoom, Participant } from './conference-room.js';
import { PrivateLine } from './private-line.js';
import { RoomAdminMenu } from './room-admin-menu.js';
import { roomOpen } from './room-calendar.js';

const REFUSAL_PROMPT: Record<Exclude<ConferenceRefusal, 'unknown-room'>, string> = {
  'wrong-pin': 'conf-pin-wrong',
  closed: 'conf-closed',
  full: 'conf-full',
  locked: 'conf-locked',
};

export class ConferenceSession {
  private line: PrivateLine | undefined;
  private menu: RoomAdminMenu | undefined;
  private over = false;

  constructor(
    private readonly ctx: ApplicationContext,
    private readonly room: ConferenceRoom,
    private readonly inbound: InboundCall,
  ) {}

  start(): void {
    const party = this.inbound.answer();
    if (party === undefined) return this.inbound.finish({ disposition: 'cancelled', status: 487 });
    const config = this.room.config;
    const prompts = ConferencePrompts.for(this.ctx, this.inbound.caller.number, config);
    const line = new PrivateLine(this.ctx, party, () => this.end('caller'));
    this.line = line;
    const role = this.role(keyedPin(this.inbound.invite));
    const why = role === undefined ? 'wrong-pin' : !roomOpen(config, this.ctx.clock.epochMs(), offsetMinutes(this.ctx.config.timeZone)) ? 'closed' : this.room.refusal();
    if (why !== undefined || role === undefined) return this.refuse(why ?? 'wrong-pin', prompts);
    const present = this.room.participants.length;
    const welcome = config.announceCount ? prompts.count(present) : [];
    if (present === 0 && config.firstMessage) welcome.push(...prompts.named('conf-first'));
    line.play(welcome, () => {
      // The room may have filled or been locked while the joiner listened.
      const late = this.room.refusal();
      if (late !== undefined) return this.refuse(late, prompts);
      this.enter(role, prompts);
    });
  }

  private role(pin: string | undefined): ConferenceRole | undefined {
    const { adminPin, participantPin } = this.room.config;
    if (adminPin === undefined && participantPin === undefined) return 'participant';
    if (pin !== undefined && pin === adminPin) return 'admin';
    if (pin !== undefined && pin === participantPin) return 'participant';
    return undefined;
  }

  private enter(role: ConferenceRole, prompts: ConferencePrompts): void {
    const number = this.inbound.caller.number;
    const participant: Participant = {
      party: this.line!.party,
      number,
      role,
      listenOnly: this.room.config.listenOnly.includes(number),
      muted: false,
      left: (how) => {
        this.menu?.close();
        this.end(how === 'hangup' ? 'caller' : 'room');
      },
    };
    if (role === 'admin') {
      this.menu = new RoomAdminMenu(this.ctx, this.room, participant, prompts);
      participant.menu = () => this.menu?.start();
    }
    const line = this.line!;
    this.line = undefined;
    this.room.join(participant);
    line.close();
  }

  private refuse(why: ConferenceRefusal, prompts: ConferencePrompts): void {
    this.ctx.events.publish('conference-refused', { room: this.room.number, number: this.inbound.caller.number, why });
    const line = this.line!;
    const prompt = why === 'unknown-room' ? [] : prompts.named(REFUSAL_PROMPT[why]);
    line.play(prompt, () => {
      line.hangUp();
      this.end('room');
    });
  }

  private end(by: 'caller' | 'room'): void {
    if (this.over) return;
    this.over = true;
    this.line = undefined;
    this.inbound.finish({ disposition: 'answered', status: 200, hangupBy: by === 'caller' ? 'caller' : 'callee' });
  }
}

/**
 * The rooms of one PBX (ApplicationModule.attach): each configured room's live state, made when
 * it is first dialled, so that a lock or a mute lasts while anybody is in the room.
 */
import type { ApplicationContext, ApplicationService } from '../../core/application.js';
import { ConferenceRoom } from './conference-room.js';

export class ConferenceRooms implements ApplicationService {
  private readonly rooms = new Map<string, ConferenceRoom>();

  constructor(private readonly ctx: ApplicationContext) {}

  /** The room with this number, or undefined when none is configured. */
  room(number: string): ConferenceRoom | undefined {
    const known = this.rooms.get(number);
    if (known !== undefined) return known;
    const config = this.ctx.config.conferenceRooms.find((r) => r.number === number);
    if (config === undefined) return undefined;
    const room = new ConferenceRoom(this.ctx, config);
    this.rooms.set(number, room);
    return room;
  }

  close(): void {
    this.rooms.clear();
  }
}

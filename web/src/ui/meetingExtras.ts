import type { Room, RoomUser } from '../contract';
import { ChatPanel, type RoomHub } from './chatPanel';
import { HandsAndReactions } from './handsAndReactions';

/**
 * Chat, hands and reactions, mounted into the room screen with a few lines: the room view hands over the
 * hub and a way to find a person's tile, places the controls, the chat panel and the hand queue, and passes
 * on who is in the room.
 */
export class MeetingExtras {
  readonly chat: ChatPanel;
  readonly hands: HandsAndReactions;
  private readonly people = new Map<string, RoomUser>();

  constructor(hub: RoomHub, private readonly selfUserId: string, tileOf: (userId: string) => HTMLElement | undefined) {
    const isHost = (): boolean => {
      const role = this.people.get(selfUserId)?.role;
      return role === 'host' || role === 'co-host';
    };
    this.chat = new ChatPanel({ hub, selfUserId, isHost });
    this.hands = new HandsAndReactions({ hub, selfUserId, isHost, nameOf: (id) => this.people.get(id)?.name, tileOf });
  }

  /** The control-bar buttons, in order. */
  get controls(): HTMLElement[] {
    return [this.hands.handButton, this.hands.reactionControl, this.chat.button];
  }

  joined(room: Room, self: RoomUser, users: readonly RoomUser[]): void {
    this.people.clear();
    for (const user of [...users, self]) this.people.set(user.userId, user);
    this.chat.joined(room, [...this.people.values()]);
    this.hands.joined(this.people.values());
  }

  userUpserted(user: RoomUser): void {
    this.people.set(user.userId, user);
    this.chat.peopleChanged(this.people.values());
    this.hands.userUpserted(user);
  }

  userRemoved(userId: string): void {
    if (userId === this.selfUserId) return;
    this.people.delete(userId);
    this.chat.peopleChanged(this.people.values());
    this.hands.userRemoved(userId);
  }

  dispose(): void {
    this.chat.dispose();
    this.hands.dispose();
  }
}

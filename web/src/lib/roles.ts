import type { Room, RoomSettings, RoomUser } from '../contract';

/** The contract's defaults, for a room whose answer came without settings (an older server). */
export const DEFAULT_SETTINGS: RoomSettings = {
  locked: false,
  muteOnEntry: false,
  camOffOnEntry: false,
  whoCanShareScreen: 'everyone',
  whoCanUnmute: 'everyone',
  chatEnabled: true,
  videoEnabled: true,
  maxParticipants: null,
  maxVideoHeight: null,
  defaultRole: 'participant',
};

export function settingsOf(room: Room): RoomSettings {
  return { ...DEFAULT_SETTINGS, ...(room.settings ?? {}) };
}

/** Hosts are the owner and the co-hosts. */
export function isHostRole(role: string | undefined): boolean {
  return role === 'host' || role === 'co-host';
}

/** Whether this user is one of the room's hosts (its owner or a co-host): they may open its history. */
export function isRoomHost(room: Room, userId: string): boolean {
  return room.ownerId === userId || (room.coHostIds ?? []).includes(userId);
}

/** What the control bar offers this person; the server enforces the same rules, the page only reflects them. */
export interface Permissions {
  readonly mic: boolean;
  readonly cam: boolean;
  readonly screen: boolean;
  /** False while a host holds the mic muted and only hosts may unmute. */
  readonly unmute: boolean;
}

export function permissionsOf(role: string | undefined, settings: RoomSettings, micHeldByHost: boolean): Permissions {
  if (role === 'viewer') return { mic: false, cam: false, screen: false, unmute: false };
  const host = isHostRole(role);
  return {
    mic: true,
    cam: settings.videoEnabled,
    screen: settings.videoEnabled && (host || settings.whoCanShareScreen === 'everyone'),
    unmute: host || !micHeldByHost || settings.whoCanUnmute === 'everyone',
  };
}

/** The badge next to a name, or null for a participant. */
export function roleBadge(role: string | undefined): string | null {
  switch (role) {
    case 'host':
      return 'host';
    case 'co-host':
      return 'co-host';
    case 'viewer':
      return 'viewer';
    default:
      return null;
  }
}

/** The notice for `userLeft`, worded by its reason; null when the whole meeting ends (its own screen says so). */
export function leftNotice(name: string, reason: string | undefined): string | null {
  switch (reason) {
    case 'removed':
      return `${name} was removed by a host`;
    case 'disconnected':
      return `${name} left (connection lost)`;
    case 'ended':
      return null;
    default:
      return `${name} left`;
  }
}

/** The moderation actions a host may take on someone, in menu order (the server checks each again). */
export type ModerationAction = 'mute' | 'stopCam' | 'stopScreen' | 'askToUnmute' | 'makeCoHost' | 'unmakeCoHost' | 'makeViewer' | 'makeParticipant' | 'remove';

export function moderationActions(self: { userId: string; role: string | undefined; isOwner: boolean }, target: RoomUser, ownerId: string): ModerationAction[] {
  if (!isHostRole(self.role) && !self.isOwner) return [];
  if (target.userId === self.userId || target.userId === ownerId) return [];
  const actions: ModerationAction[] = [];
  if (target.isMicActive) actions.push('mute');
  else if (target.role !== 'viewer') actions.push('askToUnmute');
  if (target.isCamActive) actions.push('stopCam');
  if (target.isShareScreen) actions.push('stopScreen');
  if (self.isOwner) actions.push(target.role === 'co-host' ? 'unmakeCoHost' : 'makeCoHost');
  if (target.role === 'viewer') actions.push('makeParticipant');
  else if (target.role !== 'co-host') actions.push('makeViewer');
  actions.push('remove');
  return actions;
}

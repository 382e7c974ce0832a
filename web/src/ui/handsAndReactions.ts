import { REACTIONS, type RoomUser } from '../contract';
import { handQueue } from '../lib/handQueue';
import { hubErrorMessage } from '../lib/hubError';
import type { RoomHub } from './chatPanel';
import { clear, h, icon } from './dom';
import { toast } from './toast';

export interface HandsAndReactionsOptions {
  readonly hub: RoomHub;
  readonly selfUserId: string;
  readonly isHost: () => boolean;
  readonly nameOf: (userId: string) => string | undefined;
  /** The tile of a person in the grid, for the hand badge and the reactions over it. */
  readonly tileOf: (userId: string) => HTMLElement | undefined;
}

/** How long a reaction stays over the tile. */
export const REACTION_MS = 4000;

/**
 * Raised hands and reactions: the raise/lower button and the reaction picker for the control bar, a hand
 * badge on the tiles of people whose hand is up, the queue in the order hands went up (for hosts, with
 * "Lower"), and each reaction shown for a few seconds over its sender's tile.
 */
export class HandsAndReactions {
  readonly handButton: HTMLButtonElement;
  readonly reactionButton: HTMLButtonElement;
  readonly picker: HTMLElement;
  /** The reaction button with its picker above it. */
  readonly reactionControl: HTMLElement;
  /** The queue, for the people panel; hidden unless the person is a host and a hand is up. */
  readonly queue: HTMLElement;
  private readonly queueList: HTMLOListElement;
  private readonly hands = new Map<string, string>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly options: HandsAndReactionsOptions) {
    this.handButton = h('button', {
      type: 'button', className: 'btn btn-round control', 'data-testid': 'btn-hand', 'aria-pressed': 'false',
      onclick: () => void this.toggleHand(),
    }, icon('hand'));
    this.picker = h('div', { className: 'reaction-picker', 'data-testid': 'reaction-picker', role: 'menu', hidden: true },
      ...REACTIONS.map((emoji) => h('button', {
        type: 'button', className: 'reaction-option', role: 'menuitem', 'data-testid': 'reaction-option', 'data-emoji': emoji, 'aria-label': `React ${emoji}`,
        onclick: () => void this.react(emoji),
      }, emoji)));
    this.reactionButton = h('button', {
      type: 'button', className: 'btn btn-round control', 'data-testid': 'btn-reactions', 'aria-label': 'Reactions', title: 'Reactions', 'aria-haspopup': 'menu',
      onclick: () => { this.picker.hidden = !this.picker.hidden; },
    }, icon('smile'));
    this.reactionControl = h('span', { className: 'reaction-control' }, this.reactionButton, this.picker);
    this.queueList = h('ol', { className: 'hand-queue-list' });
    this.queue = h('section', { className: 'hand-queue', 'data-testid': 'hand-queue', hidden: true }, h('h2', {}, 'Raised hands'), this.queueList);
    this.renderHandButton();
    // The picker closes on a click elsewhere or Escape, like a menu.
    const closePicker = (event: Event): void => {
      if (event instanceof KeyboardEvent ? event.key === 'Escape' : !this.reactionControl.contains(event.target as Node)) this.picker.hidden = true;
    };
    document.addEventListener('click', closePicker);
    document.addEventListener('keydown', closePicker);
    this.unsubscribe.push(() => {
      document.removeEventListener('click', closePicker);
      document.removeEventListener('keydown', closePicker);
    });
    const hub = options.hub;
    this.unsubscribe.push(
      hub.on('handRaised', ({ userId, raisedAt }) => {
        this.hands.set(userId, raisedAt);
        this.render();
        if (this.options.isHost() && userId !== this.options.selfUserId) toast(`${this.options.nameOf(userId) ?? 'Someone'} raised their hand`);
      }),
      hub.on('handLowered', ({ userId }) => {
        this.hands.delete(userId);
        this.render();
      }),
      hub.on('reaction', ({ userId, emoji }) => this.showReaction(userId, emoji)),
    );
  }

  joined(users: Iterable<RoomUser>): void {
    this.hands.clear();
    for (const user of users) this.userUpserted(user, false);
    this.render();
  }

  /** The server's row is the truth about a hand at the moment it was sent. */
  userUpserted(user: RoomUser, render = true): void {
    if (user.handRaisedAt !== undefined && user.handRaisedAt !== null) this.hands.set(user.userId, user.handRaisedAt);
    else if (user.handRaisedAt === null) this.hands.delete(user.userId);
    if (render) this.render();
  }

  userRemoved(userId: string): void {
    this.hands.delete(userId);
    this.render();
  }

  dispose(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private render(): void {
    this.renderHandButton();
    const order = handQueue(this.hands);
    const host = this.options.isHost();
    clear(this.queueList);
    order.forEach((userId) => {
      const isSelf = userId === this.options.selfUserId;
      this.queueList.append(h('li', { className: 'hand-queue-item', 'data-testid': 'hand-queue-item', 'data-user-id': userId },
        h('span', { className: 'hand-queue-name' }, `✋ ${this.options.nameOf(userId) ?? 'Someone'}${isSelf ? ' (you)' : ''}`),
        h('button', {
          type: 'button', className: 'btn btn-small btn-ghost', 'data-testid': `lower-hand-${userId}`,
          onclick: () => void this.lower(isSelf ? undefined : userId),
        }, 'Lower'),
      ));
    });
    this.queue.hidden = !host || order.length === 0;
    this.renderBadges(order);
  }

  private renderBadges(order: readonly string[]): void {
    const positions = new Map(order.map((userId, index) => [userId, index + 1]));
    for (const tile of document.querySelectorAll<HTMLElement>('.tile[data-user-id]')) {
      const userId = tile.dataset['userId'] ?? '';
      if (this.options.tileOf(userId) !== tile) continue;
      let badge = tile.querySelector<HTMLElement>(':scope > .hand-badge');
      const position = positions.get(userId);
      if (position === undefined) {
        badge?.remove();
        tile.dataset['handRaised'] = 'false';
        continue;
      }
      badge ??= tile.appendChild(h('span', { className: 'hand-badge', 'data-testid': 'hand-badge', role: 'img' }));
      badge.textContent = `✋ ${position}`;
      badge.setAttribute('aria-label', `Hand raised (${position} in the queue)`);
      badge.title = `Hand raised, ${position} in the queue`;
      tile.dataset['handRaised'] = 'true';
    }
  }

  private renderHandButton(): void {
    const raised = this.hands.has(this.options.selfUserId);
    const label = raised ? 'Lower hand' : 'Raise hand';
    this.handButton.setAttribute('aria-pressed', String(raised));
    this.handButton.dataset['active'] = String(raised);
    this.handButton.classList.toggle('raised', raised);
    this.handButton.title = label;
    this.handButton.setAttribute('aria-label', label);
  }

  private async toggleHand(): Promise<void> {
    try {
      if (this.hands.has(this.options.selfUserId)) await this.options.hub.invoke('lowerHand', {});
      else await this.options.hub.invoke('raiseHand', {});
    } catch (error) {
      toast(hubErrorMessage(error), 'error');
    }
  }

  private async lower(userId: string | undefined): Promise<void> {
    try {
      await this.options.hub.invoke('lowerHand', userId === undefined ? {} : { userId });
    } catch (error) {
      toast(hubErrorMessage(error), 'error');
    }
  }

  private async react(emoji: (typeof REACTIONS)[number]): Promise<void> {
    this.picker.hidden = true;
    try {
      await this.options.hub.invoke('sendReaction', { emoji });
    } catch (error) {
      toast(hubErrorMessage(error), 'error');
    }
  }

  private showReaction(userId: string, emoji: string): void {
    const tile = this.options.tileOf(userId);
    if (tile === undefined) return;
    const burst = tile.appendChild(h('span', { className: 'reaction-burst', 'data-testid': 'reaction', 'data-emoji': emoji, role: 'img', 'aria-label': `${this.options.nameOf(userId) ?? 'Someone'} reacted ${emoji}` }, emoji));
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      burst.remove();
    }, REACTION_MS);
    this.timers.add(timer);
  }
}

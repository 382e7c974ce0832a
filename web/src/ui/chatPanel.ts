import type { ChatMessage, Room, RoomUser } from '../contract';
import { CHAT_PAGE, ChatHistory, chatHeading, chatTime } from '../lib/chatHistory';
import { hubErrorMessage } from '../lib/hubError';
import { splitLinks } from '../lib/links';
import type { Signaling } from '../signaling';
import { clear, h, icon } from './dom';

/** The part of the hub connection the meeting's extra panels use. */
export type RoomHub = Pick<Signaling, 'invoke' | 'on'>;

export interface ChatPanelOptions {
  readonly hub: RoomHub;
  readonly selfUserId: string;
  /** Whether the person is a host now (they may delete messages). */
  readonly isHost: () => boolean;
}

const chatOff = 'Chat is turned off in this room';

/**
 * The chat side panel: the last 50 messages on join, newer ones added as they come, earlier ones on
 * scrolling to the top (or "Load earlier"), private messages to one person, an unread count on the chat
 * button while the panel is closed, clickable http(s) links, and a delete action for hosts. Message text
 * only ever becomes text nodes and anchors built here, never HTML.
 */
export class ChatPanel {
  readonly element: HTMLElement;
  readonly button: HTMLButtonElement;
  private readonly history = new ChatHistory();
  private readonly list: HTMLOListElement;
  private readonly earlierButton: HTMLButtonElement;
  private readonly recipient: HTMLSelectElement;
  private readonly input: HTMLTextAreaElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly offNotice: HTMLElement;
  private readonly errorLine: HTMLElement;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly people = new Map<string, string>();
  private unread = 0;
  private chatEnabled = true;
  private renderedAsHost = false;
  private loadingEarlier = false;
  /** Whether the reader is at the newest message, so new ones scroll into view (false once they scroll up to read). */
  private stickToEnd = true;
  private loadGeneration = 0;

  constructor(private readonly options: ChatPanelOptions) {
    this.button = h('button', {
      type: 'button', className: 'btn btn-round control', 'data-testid': 'btn-chat', 'aria-label': 'Chat', title: 'Chat', 'aria-pressed': 'false',
      onclick: () => this.toggle(),
    }, icon('chat'));
    this.list = h('ol', { className: 'chat-messages', 'data-testid': 'chat-messages', 'aria-live': 'polite' });
    this.list.addEventListener('scroll', () => {
      this.stickToEnd = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 48;
      if (this.list.scrollTop === 0 && this.history.hasEarlier) void this.loadEarlier();
    });
    this.earlierButton = h('button', { type: 'button', className: 'btn btn-small btn-ghost chat-earlier', 'data-testid': 'btn-chat-earlier', hidden: true, onclick: () => void this.loadEarlier() }, 'Load earlier messages');
    this.recipient = h('select', { className: 'chat-to', 'data-testid': 'chat-to', 'aria-label': 'Send to' });
    this.input = h('textarea', { className: 'chat-input', 'data-testid': 'chat-input', rows: 2, placeholder: 'Message everyone', 'aria-label': 'Message' });
    this.input.addEventListener('input', () => this.showError(null));
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        void this.send();
      }
    });
    this.recipient.addEventListener('change', () => {
      this.input.placeholder = this.recipient.value === '' ? 'Message everyone' : `Private message to ${this.people.get(this.recipient.value) ?? 'them'}`;
    });
    this.sendButton = h('button', { type: 'submit', className: 'btn btn-small btn-primary', 'data-testid': 'btn-chat-send' }, 'Send');
    this.offNotice = h('p', { className: 'chat-notice', 'data-testid': 'chat-off', hidden: true }, chatOff);
    this.errorLine = h('p', { className: 'chat-error', 'data-testid': 'chat-error', role: 'alert', hidden: true });
    const form = h('form', { className: 'chat-form', onsubmit: (event: Event) => { event.preventDefault(); void this.send(); } },
      h('label', { className: 'chat-to-label' }, 'To ', this.recipient),
      this.input,
      this.sendButton,
    );
    this.element = h('aside', { className: 'chat-panel', 'data-testid': 'chat-panel', hidden: true, 'aria-label': 'Chat' },
      h('header', { className: 'chat-header' },
        h('h2', {}, 'Chat'),
        h('button', { type: 'button', className: 'btn btn-small btn-ghost', 'data-testid': 'btn-chat-close', 'aria-label': 'Close chat', onclick: () => this.close() }, '✕'),
      ),
      this.earlierButton,
      this.list,
      this.offNotice,
      this.errorLine,
      form,
    );
    this.renderRecipients();
    const hub = options.hub;
    this.unsubscribe.push(
      hub.on('chatMessage', (message) => this.received(message)),
      hub.on('chatMessageDeleted', ({ id }) => {
        if (this.history.remove(id)) this.list.querySelector(`[data-message-id="${CSS.escape(id)}"]`)?.remove();
      }),
      hub.on('roomUpdated', ({ room }) => this.setChatEnabled(room.settings?.chatEnabled ?? true)),
    );
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  /** On join and rejoin: the room's state, the people to write to, and the newest messages. */
  joined(room: Room, users: readonly RoomUser[]): void {
    this.setChatEnabled(room.settings?.chatEnabled ?? true);
    this.peopleChanged(users);
    void this.loadNewest();
  }

  peopleChanged(users: Iterable<RoomUser>): void {
    this.people.clear();
    for (const user of users) if (user.userId !== this.options.selfUserId) this.people.set(user.userId, user.name);
    this.renderRecipients();
    if (this.renderedAsHost !== this.options.isHost()) this.renderAll();
  }

  toggle(): void {
    if (this.isOpen) this.close();
    else this.open();
  }

  open(): void {
    this.element.hidden = false;
    this.button.setAttribute('aria-pressed', 'true');
    this.unread = 0;
    this.renderBadge();
    this.scrollToEnd();
    this.input.focus();
  }

  close(): void {
    this.element.hidden = true;
    this.button.setAttribute('aria-pressed', 'false');
  }

  dispose(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  private async loadNewest(): Promise<void> {
    const generation = ++this.loadGeneration;
    try {
      const { messages } = await this.options.hub.invoke('getMessages', { limit: CHAT_PAGE });
      if (generation !== this.loadGeneration) return;
      this.history.reset(messages);
      this.renderAll();
      this.scrollToEnd();
    } catch (error) {
      this.showError(hubErrorMessage(error));
    }
  }

  private async loadEarlier(): Promise<void> {
    const before = this.history.oldestId;
    if (this.loadingEarlier || before === null) return;
    this.loadingEarlier = true;
    try {
      const { messages } = await this.options.hub.invoke('getMessages', { before, limit: CHAT_PAGE });
      const fresh = this.history.prepend(messages);
      // Keep the message the reader was looking at where it was.
      const fromBottom = this.list.scrollHeight - this.list.scrollTop;
      this.list.prepend(...fresh.map((m) => this.renderMessage(m)));
      this.list.scrollTop = this.list.scrollHeight - fromBottom;
      this.earlierButton.hidden = !this.history.hasEarlier;
    } catch (error) {
      this.showError(hubErrorMessage(error));
    } finally {
      this.loadingEarlier = false;
    }
  }

  private async send(): Promise<void> {
    const text = this.input.value;
    if (text.trim() === '' || this.sendButton.disabled) return;
    const toUserId = this.recipient.value === '' ? null : this.recipient.value;
    this.sendButton.disabled = true;
    try {
      const message = await this.options.hub.invoke('sendMessage', { text, toUserId });
      this.input.value = '';
      this.showError(null);
      this.received(message);
    } catch (error) {
      this.showError(hubErrorMessage(error));
    } finally {
      this.sendButton.disabled = !this.chatEnabled;
    }
  }

  private received(message: ChatMessage): void {
    if (!this.history.append(message)) return;
    this.list.append(this.renderMessage(message));
    if (this.stickToEnd || message.fromUserId === this.options.selfUserId) this.scrollToEnd();
    if (!this.isOpen && message.fromUserId !== this.options.selfUserId) {
      this.unread++;
      this.renderBadge();
    }
  }

  private setChatEnabled(enabled: boolean): void {
    this.chatEnabled = enabled;
    this.offNotice.hidden = enabled;
    this.input.disabled = !enabled;
    this.recipient.disabled = !enabled;
    this.sendButton.disabled = !enabled;
    this.element.dataset['chatEnabled'] = String(enabled);
    if (!enabled) this.showError(null);
  }

  private showError(message: string | null): void {
    this.errorLine.textContent = message ?? '';
    this.errorLine.hidden = message === null;
    // The line takes room from the list: keep the newest message in view.
    if (this.stickToEnd) this.scrollToEnd();
  }

  private renderBadge(): void {
    this.button.dataset['badge'] = this.unread > 0 ? String(this.unread) : '';
    this.button.setAttribute('aria-label', this.unread > 0 ? `Chat (${this.unread} unread)` : 'Chat');
  }

  private renderRecipients(): void {
    const chosen = this.recipient.value;
    clear(this.recipient);
    this.recipient.append(h('option', { value: '' }, 'Everyone'));
    for (const [userId, name] of [...this.people].sort((a, b) => a[1].localeCompare(b[1]))) {
      this.recipient.append(h('option', { value: userId }, name));
    }
    // Someone chosen who has left: back to everyone rather than a private message that will be refused.
    this.recipient.value = this.people.has(chosen) ? chosen : '';
    this.recipient.dispatchEvent(new Event('change'));
  }

  private renderAll(): void {
    this.renderedAsHost = this.options.isHost();
    this.list.replaceChildren(...this.history.all.map((m) => this.renderMessage(m)));
    this.earlierButton.hidden = !this.history.hasEarlier;
  }

  private renderMessage(message: ChatMessage): HTMLLIElement {
    const own = message.fromUserId === this.options.selfUserId;
    const text = h('p', { className: 'chat-text', 'data-testid': 'chat-text' });
    for (const part of splitLinks(message.text)) {
      text.append(part.kind === 'link'
        ? h('a', { href: part.href, target: '_blank', rel: 'noopener noreferrer nofollow', 'data-testid': 'chat-link' }, part.text)
        : document.createTextNode(part.text));
    }
    const canDelete = this.options.isHost();
    return h('li', {
      className: `chat-message${own ? ' own' : ''}${message.toUserId !== null ? ' private' : ''}`,
      'data-testid': 'chat-message', 'data-message-id': message.id, 'data-from-user-id': message.fromUserId,
      'data-private': String(message.toUserId !== null),
    },
      h('div', { className: 'chat-meta' },
        h('span', { className: 'chat-from', 'data-testid': 'chat-from' }, chatHeading(message, this.options.selfUserId, (id) => this.people.get(id))),
        h('time', { className: 'chat-time', datetime: message.createdAt }, chatTime(message.createdAt)),
        canDelete
          ? h('button', { type: 'button', className: 'btn btn-small btn-ghost btn-danger chat-delete', 'data-testid': 'chat-delete', 'aria-label': 'Delete message', title: 'Delete message', onclick: () => void this.delete(message.id) }, 'Delete')
          : null,
      ),
      text,
    );
  }

  private async delete(messageId: string): Promise<void> {
    try {
      await this.options.hub.invoke('deleteMessage', { messageId });
    } catch (error) {
      this.showError(hubErrorMessage(error));
    }
  }

  private scrollToEnd(): void {
    this.list.scrollTop = this.list.scrollHeight;
  }
}

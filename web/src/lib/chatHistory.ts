import type { ChatMessage } from '../contract';

/** The page size the chat asks for: the last 50 on join, then 50 more each time. */
export const CHAT_PAGE = 50;

/**
 * The messages the chat shows, oldest first: a page from `getMessages` on join (and again after a rejoin),
 * earlier pages put in front, live `chatMessage` events added at the end. An id is kept once, so an event
 * that also arrives in a page is not shown twice.
 */
export class ChatHistory {
  private messages: ChatMessage[] = [];
  private readonly ids = new Set<string>();
  /** Whether the server may hold older messages than the first one here (the last page asked for was full). */
  hasEarlier = false;

  get all(): readonly ChatMessage[] {
    return this.messages;
  }

  get oldestId(): string | null {
    return this.messages[0]?.id ?? null;
  }

  /** Starts over from the newest page (join and rejoin); live messages that came meanwhile are kept after it. */
  reset(page: readonly ChatMessage[], pageSize = CHAT_PAGE): void {
    const pageIds = new Set(page.map((m) => m.id));
    const newer = this.messages.filter((m) => !pageIds.has(m.id) && this.arrivedAfter(m, page));
    this.messages = [...page, ...newer];
    this.ids.clear();
    for (const m of this.messages) this.ids.add(m.id);
    this.hasEarlier = page.length >= pageSize;
  }

  /** Puts an earlier page in front; returns the messages that were new. */
  prepend(page: readonly ChatMessage[], pageSize = CHAT_PAGE): ChatMessage[] {
    const fresh = page.filter((m) => !this.ids.has(m.id));
    for (const m of fresh) this.ids.add(m.id);
    this.messages = [...fresh, ...this.messages];
    this.hasEarlier = page.length >= pageSize;
    return fresh;
  }

  /** Adds a live message at the end; false when it is here already. */
  append(message: ChatMessage): boolean {
    if (this.ids.has(message.id)) return false;
    this.ids.add(message.id);
    this.messages.push(message);
    return true;
  }

  /** Drops a deleted message; false when it was not here. */
  remove(id: string): boolean {
    if (!this.ids.delete(id)) return false;
    this.messages = this.messages.filter((m) => m.id !== id);
    return true;
  }

  private arrivedAfter(message: ChatMessage, page: readonly ChatMessage[]): boolean {
    const last = page[page.length - 1];
    return last === undefined || message.createdAt >= last.createdAt;
  }
}

/** The line above a message: who wrote it, and to whom when it is private. */
export function chatHeading(message: ChatMessage, selfUserId: string, nameOf: (userId: string) => string | undefined): string {
  const from = message.fromUserId === selfUserId ? 'You' : message.fromName;
  if (message.toUserId === null) return from;
  const to = message.toUserId === selfUserId ? 'you' : (nameOf(message.toUserId) ?? 'someone who left');
  return `${from} → ${to} (private)`;
}

/** The time of day a message was sent, hours and minutes in the reader's locale. */
export function chatTime(createdAt: string, locale?: string): string {
  const date = new Date(createdAt);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
}

import { h, icon } from './dom';
import type { ParticipantTile } from './tile';

/**
 * Grid or speaker view of the participant tiles. Speaker view features one tile (the pinned one, else whoever
 * spoke last, else the first other person) with everyone else in a strip beside it; pinning a tile features it in
 * either mode until it is unpinned.
 */
export class StageLayout {
  readonly button: HTMLButtonElement;
  private mode: 'grid' | 'speaker' = 'grid';
  private pinned: string | null = null;
  private lastSpeaker: string | null = null;

  constructor(
    private readonly grid: HTMLElement,
    private readonly tiles: ReadonlyMap<string, ParticipantTile>,
    private readonly activeSpeaker: () => string | null,
    private readonly relayout: () => void,
  ) {
    this.button = h('button', {
      type: 'button', className: 'btn btn-round control', 'data-testid': 'btn-layout', 'data-active': 'false',
      title: 'Speaker view', 'aria-label': 'Speaker view', 'aria-pressed': 'false',
      onclick: () => this.toggleMode(),
    }, icon('layout'));
  }

  /** The featured tile's user, or null in the plain grid. */
  get featured(): string | null {
    if (this.tiles.size <= 1) return null;
    if (this.pinned !== null && this.tiles.has(this.pinned)) return this.pinned;
    if (this.mode !== 'speaker') return null;
    if (this.lastSpeaker !== null && this.tiles.has(this.lastSpeaker)) return this.lastSpeaker;
    for (const [userId, tile] of this.tiles) if (tile.element.dataset['self'] !== 'true') return userId;
    return null;
  }

  togglePin(userId: string): void {
    this.pinned = this.pinned === userId ? null : userId;
    this.relayout();
  }

  forget(userId: string): void {
    if (this.pinned === userId) this.pinned = null;
    if (this.lastSpeaker === userId) this.lastSpeaker = null;
  }

  speakerChanged(): void {
    const speaker = this.activeSpeaker();
    if (speaker === null || speaker === this.lastSpeaker) return;
    this.lastSpeaker = speaker;
    if (this.mode === 'speaker' && this.pinned === null) this.relayout();
  }

  /** Marks the featured tile and the strip; the CSS does the rest. */
  apply(): void {
    const featured = this.featured;
    this.grid.classList.toggle('featured-view', featured !== null);
    this.grid.dataset['layout'] = featured !== null ? 'speaker' : 'grid';
    // At least four rows, so that one or two people in the strip keep a tile's shape rather than a tall sliver.
    this.grid.style.setProperty('--strip-rows', String(Math.max(4, this.tiles.size - 1)));
    for (const [userId, tile] of this.tiles) {
      tile.element.classList.toggle('featured', userId === featured);
      tile.setPinned(userId === this.pinned);
    }
    const speaker = this.mode === 'speaker';
    this.button.dataset['active'] = String(speaker);
    this.button.setAttribute('aria-pressed', String(speaker));
    this.button.title = speaker ? 'Grid view' : 'Speaker view';
  }

  private toggleMode(): void {
    this.mode = this.mode === 'grid' ? 'speaker' : 'grid';
    this.relayout();
  }
}

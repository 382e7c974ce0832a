import { h, icon } from './dom';
import { toggleFullscreen } from './tile';

/**
 * Full screen for the whole stage. The control bar stays outside the stage, so the stage carries its own way out:
 * an "Exit full screen" button shown only while it is full screen. Escape leaves too (the browser's own key; the
 * page also answers it where the browser passes it on, as in kiosk and embedded views).
 */
export class StageFullscreen {
  /** The control-bar button: enters full screen (and leaves it, should it be reached while full screen). */
  readonly button: HTMLButtonElement;
  /** The button over the stage while it is full screen. */
  readonly exitButton: HTMLButtonElement;
  private readonly onChange = (): void => this.update();
  private readonly onKey = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && document.fullscreenElement === this.stage) void document.exitFullscreen().catch(() => undefined);
  };

  constructor(private readonly stage: HTMLElement) {
    this.button = h('button', {
      type: 'button', className: 'btn btn-round control', 'data-testid': 'btn-fullscreen-stage',
      'aria-label': 'Full screen', title: 'Full screen', 'aria-pressed': 'false', onclick: () => void toggleFullscreen(this.stage),
    }, icon('fullscreen'));
    this.exitButton = h('button', {
      type: 'button', className: 'btn stage-exit', 'data-testid': 'btn-exit-fullscreen', hidden: true,
      title: 'Exit full screen (Esc)', onclick: () => void toggleFullscreen(this.stage),
    }, icon('fullscreenExit'), 'Exit full screen');
    stage.append(this.exitButton);
    document.addEventListener('fullscreenchange', this.onChange);
    document.addEventListener('keydown', this.onKey);
  }

  dispose(): void {
    document.removeEventListener('fullscreenchange', this.onChange);
    document.removeEventListener('keydown', this.onKey);
    if (document.fullscreenElement === this.stage) void document.exitFullscreen().catch(() => undefined);
  }

  private update(): void {
    const full = document.fullscreenElement === this.stage;
    this.exitButton.hidden = !full;
    this.stage.dataset['fullscreen'] = String(full);
    this.button.setAttribute('aria-pressed', String(full));
  }
}

import type { LocalMedia } from '../localMedia';
import { canChooseOutput, currentOutput, listOutputs } from './audioOutput';
import { fillDeviceSelect } from './deviceSelect';
import { noticeSoundOn, setNoticeSound } from './noticeSound';
import { h } from './dom';

export type DeviceKindChoice = 'mic' | 'cam';

/** The in-room device pickers: switching swaps the track under the running producer. */
export class DevicePanel {
  readonly element: HTMLElement;
  private readonly micSelect: HTMLSelectElement;
  private readonly camSelect: HTMLSelectElement;
  private readonly speakerSelect: HTMLSelectElement;

  constructor(
    private readonly local: () => LocalMedia | null,
    onPick: (kind: DeviceKindChoice, deviceId: string) => void,
    onSpeaker: (deviceId: string) => void = () => {},
  ) {
    this.speakerSelect = h('select', { 'data-testid': 'settings-speaker', 'aria-label': 'Speaker' });
    this.speakerSelect.addEventListener('change', () => onSpeaker(this.speakerSelect.value));
    this.micSelect = h('select', { 'data-testid': 'settings-mic', 'aria-label': 'Microphone' });
    this.camSelect = h('select', { 'data-testid': 'settings-cam', 'aria-label': 'Camera' });
    this.micSelect.addEventListener('change', () => onPick('mic', this.micSelect.value));
    this.camSelect.addEventListener('change', () => onPick('cam', this.camSelect.value));
    this.element = h('div', { className: 'device-panel card', 'data-testid': 'settings-panel', role: 'dialog', 'aria-label': 'Devices', hidden: true },
      h('label', { className: 'field' }, h('span', { className: 'field-label' }, 'Microphone'), this.micSelect),
      h('label', { className: 'field' }, h('span', { className: 'field-label' }, 'Camera'), this.camSelect),
      // Only where the browser can route audio to a chosen output (setSinkId).
      canChooseOutput() ? h('label', { className: 'field' }, h('span', { className: 'field-label' }, 'Speaker'), this.speakerSelect) : null,
      h('label', { className: 'check' }, soundToggle(), h('span', {}, 'A soft sound when people join or leave')),
    );
  }

  async toggle(): Promise<void> {
    this.element.hidden = !this.element.hidden;
    if (!this.element.hidden) await this.refresh();
  }

  async refresh(): Promise<void> {
    const local = this.local();
    if (local === null) return;
    const { microphones, cameras } = await local.listDevices();
    fillDeviceSelect(this.micSelect, microphones, local.micDeviceId, 'No microphone');
    fillDeviceSelect(this.camSelect, cameras, local.camDeviceId, 'No camera');
    if (canChooseOutput()) fillDeviceSelect(this.speakerSelect, await listOutputs(), currentOutput(), 'Default speaker');
  }
}

function soundToggle(): HTMLInputElement {
  const input = h('input', { type: 'checkbox', 'data-testid': 'settings-notice-sound' });
  input.checked = noticeSoundOn();
  input.addEventListener('change', () => setNoticeSound(input.checked));
  return input;
}

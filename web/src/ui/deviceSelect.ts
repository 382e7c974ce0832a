import { clear, h } from './dom';

/** Fills a device picker; an empty list disables it with a "none" entry. */
export function fillDeviceSelect(select: HTMLSelectElement, devices: readonly MediaDeviceInfo[], selected: string | undefined, none: string): void {
  clear(select);
  if (devices.length === 0) {
    select.appendChild(h('option', { value: '' }, none));
    select.disabled = true;
    return;
  }
  select.disabled = false;
  devices.forEach((device, index) => {
    const option = h('option', { value: device.deviceId }, device.label || `Device ${index + 1}`);
    option.selected = device.deviceId === selected;
    select.appendChild(option);
  });
}

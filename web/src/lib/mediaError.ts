/** Which device a getUserMedia/getDisplayMedia call asked for; it changes the wording only. */
export type DeviceKind = 'camera' | 'microphone' | 'camera and microphone' | 'screen';

/** Explains a media-capture failure (a DOMException by name) in words a person can act on. */
export function mediaErrorMessage(error: unknown, kind: DeviceKind): string {
  const name = typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
  const Kind = kind.charAt(0).toUpperCase() + kind.slice(1);
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
    case 'PermissionDeniedError':
      return kind === 'screen'
        ? 'Screen sharing was cancelled or blocked.'
        : `${Kind} access is blocked. Allow it in your browser's site settings (the icon left of the address), then try again.`;
    case 'NotFoundError':
    case 'DevicesNotFoundError':
      return `No ${kind} was found. Plug one in or pick another device.`;
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return `The ${kind} is in use by another application or could not be started.`;
    case 'OverconstrainedError':
      return `The selected ${kind} is no longer available. Pick another device.`;
    case 'TypeError':
      return insecureContextMessage(kind);
    default:
      return `Could not start the ${kind}.`;
  }
}

function insecureContextMessage(kind: DeviceKind): string {
  return `The browser refused to open the ${kind}. Media capture needs https:// or http://localhost.`;
}

/** True when the failure is a permission refusal (as opposed to a missing or busy device). */
export function isPermissionError(error: unknown): boolean {
  const name = typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
  return name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError';
}

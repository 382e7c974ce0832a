/**
 * The chosen speaker (audio output) for every remote voice, where the browser can route audio
 * (`HTMLMediaElement.setSinkId`; Chromium has it, Firefox behind a setting, Safari not). '' is the system default.
 */
let sinkId = '';

export const canChooseOutput = (): boolean => typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

export function currentOutput(): string {
  return sinkId;
}

/** Routes one audio element to the chosen output (new elements call this as they are made). */
export function routeAudio(audio: HTMLAudioElement): void {
  if (!canChooseOutput() || sinkId === '') return;
  void (audio as HTMLAudioElement & { setSinkId(id: string): Promise<void> }).setSinkId(sinkId).catch(() => {
    // The device went away: the element keeps playing on the default output.
  });
}

/** Chooses the output and moves every element already playing. */
export function chooseOutput(deviceId: string, playing: Iterable<HTMLAudioElement>): void {
  sinkId = deviceId;
  for (const audio of playing) {
    if (canChooseOutput()) void (audio as HTMLAudioElement & { setSinkId(id: string): Promise<void> }).setSinkId(deviceId).catch(() => undefined);
  }
}

export async function listOutputs(): Promise<MediaDeviceInfo[]> {
  try {
    return (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audiooutput');
  } catch {
    return [];
  }
}

/** Disables a form's controls while its request runs so a double click cannot send twice. */
export async function whileBusy<T>(form: HTMLElement, work: () => Promise<T>): Promise<T> {
  const controls = [...form.querySelectorAll<HTMLButtonElement | HTMLInputElement>('button, input, select')];
  const wasDisabled = controls.map((c) => c.disabled);
  controls.forEach((c) => (c.disabled = true));
  form.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    controls.forEach((c, i) => (c.disabled = wasDisabled[i] ?? false));
    form.removeAttribute('aria-busy');
  }
}

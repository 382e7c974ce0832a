import { h } from './dom';

/** A host asked to unmute: the person decides (nobody can turn on someone else's microphone). */
export function showUnmutePrompt(byName: string, accept: () => void): void {
  document.querySelector('[data-testid="unmute-prompt"]')?.remove();
  const prompt = h('div', { className: 'unmute-prompt card', role: 'alertdialog', 'data-testid': 'unmute-prompt' },
    h('p', {}, `${byName} asks you to unmute your microphone.`),
    h('div', { className: 'row' },
      h('button', { type: 'button', className: 'btn', 'data-testid': 'btn-dismiss-unmute', onclick: () => prompt.remove() }, 'Stay muted'),
      h('button', { type: 'button', className: 'btn btn-primary', 'data-testid': 'btn-accept-unmute', onclick: () => {
        prompt.remove();
        accept();
      } }, 'Unmute'),
    ),
  );
  document.body.append(prompt);
}

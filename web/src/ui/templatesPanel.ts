import type { Api } from '../api';
import type { Room, Template } from '../contract';
import { whileBusy } from './busy';
import { clear, h } from './dom';
import { toast } from './toast';

/**
 * The person's own templates on the home page: each can be renamed in place or deleted (rooms made from it keep
 * their settings). Built-in templates are not listed here; they cannot be changed. `changed` runs after each
 * change, so that the "Template" choice of the new-room form follows.
 */
export function templatesCard(api: Api, changed: () => void): { element: HTMLElement; refresh: () => Promise<void> } {
  const list = h('ul', { className: 'room-list', 'data-testid': 'template-list' });

  const refresh = async (): Promise<void> => {
    try {
      const own = (await api.templates()).filter((template) => !template.builtIn);
      clear(list);
      if (own.length === 0) {
        list.appendChild(h('li', { className: 'muted empty' }, 'No templates of your own yet. “Save as template” on a room keeps its settings for new rooms.'));
      }
      for (const template of own) list.appendChild(h('li', {}, item(template)));
    } catch (error) {
      clear(list);
      list.appendChild(h('li', { className: 'form-error' }, error instanceof Error ? error.message : String(error)));
    }
  };

  const afterChange = async (message: string): Promise<void> => {
    toast(message);
    await refresh();
    changed();
  };

  const item = (template: Template): HTMLElement => {
    const card = h('div', { className: 'room-card', 'data-testid': 'template-item', 'data-template-id': template.id });
    const show = (): void => {
      card.replaceChildren(
        h('div', { className: 'room-card-main' },
          h('strong', { className: 'room-card-name', title: template.name, 'data-testid': 'template-name' }, template.name),
          template.requireAccessBeforeJoining ? h('span', { className: 'badge' }, 'waiting room') : null),
        h('div', { className: 'room-card-actions' },
          h('button', { type: 'button', className: 'btn', 'data-testid': 'btn-rename-template', onclick: edit }, 'Rename'),
          h('button', { type: 'button', className: 'btn btn-ghost btn-danger', 'data-testid': 'btn-delete-template', onclick: () => void remove() }, 'Delete')),
      );
    };
    const edit = (): void => {
      const input = h('input', { type: 'text', required: true, maxlength: 100, value: template.name, 'aria-label': 'Template name', 'data-testid': 'template-name-input' });
      const error = h('p', { className: 'form-error', role: 'alert', hidden: true, 'data-testid': 'template-error' });
      const form = h('form', { className: 'row room-card-main' }, input,
        h('button', { type: 'submit', className: 'btn btn-primary btn-small', 'data-testid': 'btn-save-template-name' }, 'Save'),
        h('button', { type: 'button', className: 'btn btn-ghost btn-small', 'data-testid': 'btn-cancel-template-name', onclick: show }, 'Cancel'),
        error);
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        const name = input.value.trim();
        if (name.length === 0) {
          error.textContent = 'Give the template a name.';
          error.hidden = false;
          return;
        }
        void whileBusy(form, async () => {
          try {
            await api.renameTemplate(template.id, name);
            await afterChange(`Template renamed to “${name}”`);
          } catch (e) {
            error.textContent = e instanceof Error ? e.message : String(e);
            error.hidden = false;
          }
        });
      });
      card.replaceChildren(form);
      input.focus();
      input.select();
    };
    const remove = async (): Promise<void> => {
      if (!confirm(`Delete the template “${template.name}”? Rooms made from it keep their settings.`)) return;
      try {
        await api.deleteTemplate(template.id);
        await afterChange(`Template “${template.name}” deleted`);
      } catch (e) {
        toast(e instanceof Error ? e.message : String(e), 'error');
      }
    };
    show();
    return card;
  };

  void refresh();
  const element = h('section', { className: 'card wide', 'data-testid': 'templates-card' }, h('h2', {}, 'Your templates'), list);
  return { element, refresh };
}

/** Below a room's card: name a template and save the room's settings as it (or close the form again). */
export function toggleSaveTemplateForm(api: Api, room: Room, card: Element | null, saved: () => void): void {
  const open = card?.querySelector('.save-template-form');
  if (open) {
    open.remove();
    return;
  }
  const input = h('input', { type: 'text', required: true, maxlength: 100, value: room.name, 'aria-label': 'Template name', 'data-testid': 'save-template-name' });
  const error = h('p', { className: 'form-error', role: 'alert', hidden: true });
  const form = h('form', { className: 'row save-template-form', 'data-testid': 'save-template-form' },
    h('span', { className: 'field-label' }, 'Save these settings as a template named'), input,
    h('button', { type: 'submit', className: 'btn btn-primary btn-small', 'data-testid': 'btn-save-template-confirm' }, 'Save template'),
    error);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void whileBusy(form, async () => {
      try {
        const template = await api.saveTemplate(input.value.trim(), room.id);
        form.remove();
        toast(`Saved as the template “${template.name}”`);
        saved();
      } catch (e) {
        error.textContent = e instanceof Error ? e.message : String(e);
        error.hidden = false;
      }
    });
  });
  card?.append(form);
  input.focus();
}

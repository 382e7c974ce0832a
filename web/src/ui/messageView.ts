import { h } from './dom';
import type { View } from './view';

export interface MessageAction {
  readonly label: string;
  readonly testId: string;
  readonly primary?: boolean;
  readonly run: () => void;
}

/** A full-screen message for an outcome the person must see: room not found, denied, removed, … */
export function messageView(title: string, message: string, actions: readonly MessageAction[], reason = 'message'): View {
  const element = h('main', { className: 'screen message-screen', 'data-testid': 'message-view', 'data-reason': reason },
    h('section', { className: 'card message-card', role: 'alert' },
      h('h1', { 'data-testid': 'message-title' }, title),
      message.length > 0 ? h('p', { 'data-testid': 'error-message' }, message) : null,
      h('div', { className: 'row' },
        ...actions.map((action) =>
          h('button', { type: 'button', className: action.primary === true ? 'btn btn-primary' : 'btn', 'data-testid': action.testId, onclick: () => action.run() }, action.label),
        ),
      ),
    ),
  );
  return { element };
}

import { ApiError, type Api } from '../api';
import { h } from './dom';
import { whileBusy } from './busy';
import type { View } from './view';

type Tab = 'signin' | 'signup' | 'guest';

export interface AuthOptions {
  /** Shown under the title, e.g. which room the person is about to join. */
  readonly subtitle?: string;
  readonly initialTab?: Tab;
  readonly onSignedIn: () => void;
}

/** Sign in, sign up, or join as a guest; all three end with tokens in the session. */
export function authView(api: Api, options: AuthOptions): View {
  const error = h('p', { className: 'form-error', 'data-testid': 'auth-error', role: 'alert', hidden: true });
  const showError = (message: string | null): void => {
    error.textContent = message ?? '';
    error.hidden = message === null;
  };
  const run = (form: HTMLFormElement, work: () => Promise<void>) => async (event: Event) => {
    event.preventDefault();
    showError(null);
    try {
      await whileBusy(form, work);
      options.onSignedIn();
    } catch (e) {
      showError(e instanceof ApiError || e instanceof Error ? e.message : 'Something went wrong.');
    }
  };

  const signInEmail = h('input', { type: 'email', name: 'email', required: true, autocomplete: 'username', 'data-testid': 'signin-email' });
  const signInPassword = h('input', { type: 'password', name: 'password', required: true, autocomplete: 'current-password', 'data-testid': 'signin-password' });
  const signInForm = h('form', { className: 'auth-form', 'data-testid': 'signin-form' },
    field('Email', signInEmail),
    field('Password', signInPassword),
    h('button', { type: 'submit', className: 'btn btn-primary', 'data-testid': 'btn-signin' }, 'Sign in'),
  );
  signInForm.addEventListener('submit', run(signInForm, () => api.login(signInEmail.value.trim(), signInPassword.value)));

  const signUpName = h('input', { type: 'text', name: 'name', required: true, maxlength: 100, autocomplete: 'name', 'data-testid': 'signup-name' });
  const signUpEmail = h('input', { type: 'email', name: 'email', required: true, autocomplete: 'username', 'data-testid': 'signup-email' });
  const signUpPassword = h('input', { type: 'password', name: 'password', required: true, minlength: 8, autocomplete: 'new-password', 'data-testid': 'signup-password' });
  const signUpForm = h('form', { className: 'auth-form', 'data-testid': 'signup-form' },
    field('Your name', signUpName),
    field('Email', signUpEmail),
    field('Password', signUpPassword, 'At least 8 characters.'),
    h('button', { type: 'submit', className: 'btn btn-primary', 'data-testid': 'btn-signup' }, 'Create account'),
  );
  signUpForm.addEventListener('submit', run(signUpForm, async () => {
    const email = signUpEmail.value.trim();
    await api.register(email, signUpPassword.value, signUpName.value.trim());
    await api.login(email, signUpPassword.value);
  }));

  const guestName = h('input', { type: 'text', name: 'name', required: true, maxlength: 100, autocomplete: 'name', 'data-testid': 'guest-name' });
  const guestForm = h('form', { className: 'auth-form', 'data-testid': 'guest-form' },
    field('Your name', guestName, 'Guests can join meetings but cannot create rooms.'),
    h('button', { type: 'submit', className: 'btn btn-primary', 'data-testid': 'btn-guest' }, 'Continue as guest'),
  );
  guestForm.addEventListener('submit', run(guestForm, () => api.joinAsGuest(guestName.value.trim())));

  const panels: Record<Tab, HTMLFormElement> = { signin: signInForm, signup: signUpForm, guest: guestForm };
  const labels: Record<Tab, string> = { signin: 'Sign in', signup: 'Sign up', guest: 'Guest' };
  const tabs = (Object.keys(panels) as Tab[]).map((tab) =>
    h('button', { type: 'button', role: 'tab', className: 'tab', 'data-testid': `tab-${tab}`, onclick: () => select(tab) }, labels[tab]),
  );
  const select = (tab: Tab): void => {
    (Object.keys(panels) as Tab[]).forEach((t, i) => {
      panels[t].hidden = t !== tab;
      tabs[i]?.setAttribute('aria-selected', String(t === tab));
    });
    showError(null);
    panels[tab].querySelector('input')?.focus();
  };

  const element = h('main', { className: 'screen auth-screen', 'data-testid': 'auth-view' },
    h('section', { className: 'card auth-card' },
      h('h1', { className: 'brand' }, 'Parley'),
      h('p', { className: 'muted' }, options.subtitle ?? 'Video meetings on your own server.'),
      h('div', { className: 'tabs', role: 'tablist' }, ...tabs),
      signInForm,
      signUpForm,
      guestForm,
      error,
    ),
  );
  select(options.initialTab ?? 'signin');
  return { element };
}

function field(label: string, input: HTMLElement, hint?: string): HTMLLabelElement {
  return h('label', { className: 'field' }, h('span', { className: 'field-label' }, label), input, hint !== undefined ? h('small', { className: 'muted' }, hint) : null);
}

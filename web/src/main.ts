import { Api, ApiError } from './api';
import type { Room, User } from './contract';
import { isValidJoinCode } from './lib/joinCode';
import { parseRoute, roomPath, type Route } from './lib/routes';
import { LocalMedia } from './localMedia';
import { Meeting, type MeetingEnd } from './meeting';
import { forgetMeeting, meetingToRejoin, rememberMeeting } from './rejoin';
import { Signaling } from './signaling';
import { authView } from './ui/authView';
import { h } from './ui/dom';
import { historyView } from './ui/historyView';
import { homeView } from './ui/homeView';
import { myHistoryView } from './ui/myHistoryView';
import { messageView, type MessageAction } from './ui/messageView';
import { prejoinView } from './ui/prejoinView';
import { RoomView } from './ui/roomView';
import { clearToasts } from './ui/toast';
import type { View } from './ui/view';

/**
 * Routes between the screens: sign-in when needed, home at `/`, and `/r/{joinCode}` for a room
 * (pre-join, then the meeting). Owns the one API client and the one hub connection of the tab.
 */
class App {
  private readonly api = new Api();
  private readonly signaling = new Signaling(() => this.api.accessToken());
  private user: User | null = null;
  private view: View | null = null;
  private meeting: Meeting | null = null;
  private renderGeneration = 0;
  /** The room and person of the last meeting, for "Ask again" after a denial. */
  private lastMeeting: { room: Room; user: User } | null = null;
  /** The page is going away (pagehide): the meeting ending now is the unload, not the person leaving. */
  private unloading = false;

  constructor(private readonly root: HTMLElement) {
    this.api.onSignedOut = () => {
      this.user = null;
      void this.endMeeting().then(() => this.render());
    };
    window.addEventListener('popstate', () => void this.endMeeting().then(() => this.render()));
    // Closing the tab: close the hub connection so the server cleans up at once rather than on timeout.
    window.addEventListener('pagehide', () => {
      // A reload comes straight back into this meeting (see rejoin.ts); closing the tab forgets it with the tab.
      const meeting = this.meeting;
      this.unloading = true;
      if (meeting !== null) rememberMeeting({ joinCode: meeting.room.joinCode, mic: meeting.isOn('mic'), cam: meeting.isOn('cam') });
      void this.signaling.stop();
    });
    // Back from the back-forward cache: the page lives on.
    window.addEventListener('pageshow', () => {
      this.unloading = false;
    });
    document.addEventListener('click', (event) => this.interceptLink(event));
  }

  /** The read-only handles end-to-end tests use (`window.parley`). */
  get handles(): Meeting['handles'] | null {
    return this.meeting?.handles ?? null;
  }

  navigate(path: string): void {
    if (location.pathname !== path) history.pushState(null, '', path);
    void this.endMeeting().then(() => this.render());
  }

  async render(): Promise<void> {
    const generation = ++this.renderGeneration;
    const route = parseRoute(location.pathname);
    if (route.kind === 'unknown') {
      this.show(messageView('Page not found', `There is nothing at ${route.path}.`, [this.homeAction()], 'notFound'));
      return;
    }
    const user = await this.currentUser();
    if (generation !== this.renderGeneration) return;
    if (user === null) {
      this.show(authView(this.api, {
        subtitle: route.kind === 'room' ? `Sign in, or join as a guest, to enter the meeting ${route.joinCode}.`
          : route.kind === 'invite' ? 'Sign in, or join as a guest, to accept the invitation.' : undefined,
        initialTab: route.kind === 'room' || route.kind === 'invite' ? 'guest' : 'signin',
        onSignedIn: () => void this.render(),
      }));
      return;
    }
    if (route.kind === 'home') {
      this.show(homeView(this.api, {
        user,
        openRoom: (joinCode) => this.navigate(roomPath(joinCode)),
        navigate: (path) => this.navigate(path),
        signOut: () => void this.api.logout().finally(() => {
          this.user = null;
          this.navigate('/');
        }),
      }));
      return;
    }
    if (route.kind === 'myHistory') {
      this.show(myHistoryView(this.api, { userId: user.id, back: () => this.navigate('/') }));
      return;
    }
    if (route.kind === 'history') {
      this.show(historyView(this.api, { roomId: route.roomId, back: () => this.navigate('/') }));
      return;
    }
    if (route.kind === 'invite') {
      await this.acceptInvite(route.token, generation);
      return;
    }
    await this.openRoom(route, user, generation);
  }

  /** `/i/{token}`: looks the link up, remembers it for the join, and goes on to the room's pre-join screen. */
  private async acceptInvite(token: string, generation: number): Promise<void> {
    this.show({ element: h('main', { className: 'screen loading-screen', 'data-testid': 'loading' }, h('div', { className: 'spinner' })) });
    try {
      const room = await this.api.roomByInvite(token);
      if (generation !== this.renderGeneration) return;
      this.signaling.invite = { roomId: room.id, token };
      history.replaceState(null, '', roomPath(room.joinCode));
      void this.render();
    } catch (error) {
      if (generation !== this.renderGeneration) return;
      const notFound = error instanceof ApiError && error.status === 404;
      this.show(messageView(
        notFound ? 'Invite link not valid' : 'Could not open the invitation',
        notFound ? 'This invite link has expired, was used up or was revoked. Ask the host for a new one.' : error instanceof Error ? error.message : String(error),
        notFound ? [this.homeAction()] : [this.retryAction(), this.homeAction()],
        notFound ? 'inviteNotValid' : 'error'));
    }
  }

  private async openRoom(route: Extract<Route, { kind: 'room' }>, user: User, generation: number): Promise<void> {
    if (!isValidJoinCode(route.joinCode)) {
      this.show(messageView('Room not found', `“${route.joinCode}” is not a valid join code. Codes have 6 letters and digits, like ABC234.`, [this.homeAction()], 'roomNotFound'));
      return;
    }
    this.show({ element: h('main', { className: 'screen loading-screen', 'data-testid': 'loading' }, h('div', { className: 'spinner' })) });
    let room: Room;
    try {
      room = await this.api.roomByJoinCode(route.joinCode);
    } catch (error) {
      if (generation !== this.renderGeneration) return;
      if (error instanceof ApiError && error.status === 404) {
        this.show(messageView('Room not found', `No room has the code ${route.joinCode}. Check the code or ask for a new invite link.`, [this.homeAction()], 'roomNotFound'));
      } else {
        this.show(messageView('Could not open the room', error instanceof Error ? error.message : String(error), [this.retryAction(), this.homeAction()], 'error'));
      }
      return;
    }
    if (generation !== this.renderGeneration) return;
    const rejoin = meetingToRejoin(room.joinCode);
    if (rejoin !== null) {
      // A reload during the meeting: straight back in, with what was on.
      const local = new LocalMedia();
      local.micWanted = rejoin.mic;
      local.camWanted = rejoin.cam;
      await Promise.allSettled([rejoin.mic ? local.openMic() : null, rejoin.cam ? local.openCam() : null]);
      if (generation !== this.renderGeneration) {
        local.stopAll();
        return;
      }
      await this.startMeeting(room, user, local);
      return;
    }
    // Connect to the hub while the person looks at the preview, so Join does not wait for it.
    void this.signaling.start().catch(() => undefined);
    const local = new LocalMedia();
    this.show(prejoinView({
      room,
      user,
      local,
      onJoin: () => void this.startMeeting(room, user, local),
      recording: () => this.api.currentRecording(room.id),
      onCancel: () => {
        local.stopAll();
        this.navigate('/');
      },
    }));
  }

  private async startMeeting(room: Room, user: User, local: LocalMedia): Promise<void> {
    this.lastMeeting = { room, user };
    // Remembered from the start (and updated on pagehide), so that a reload comes back even if pagehide is skipped.
    rememberMeeting({ joinCode: room.joinCode, mic: local.micWanted, cam: local.camWanted });
    const roomView = new RoomView({ room, selfUserId: user.id, hub: this.signaling, onEnded: (end) => this.meetingEnded(end) });
    const meeting = new Meeting(this.signaling, room, user, local, roomView);
    roomView.attach(meeting);
    this.show(roomView);
    this.meeting = meeting;
    await meeting.start();
  }

  private meetingEnded(end: MeetingEnd): void {
    this.meeting = null;
    if (end.reason === 'connectionLost' || end.reason === 'sessionReplaced' || end.reason === 'left') {
      void this.signaling.stop();
    }
    if (!this.unloading) forgetMeeting();
    const actions: MessageAction[] = [this.homeAction()];
    if (end.rejoin) actions.unshift({ label: 'Rejoin', testId: 'btn-rejoin', primary: true, run: () => void this.render() });
    const last = this.lastMeeting;
    if (end.reason === 'denied' && last !== null) {
      // Not a dead end: ask the hosts again, straight into the waiting room.
      actions.unshift({ label: 'Ask again', testId: 'btn-ask-again', primary: true, run: () => void this.startMeeting(last.room, last.user, noMedia()) });
    }
    this.show(messageView(end.title, end.message, actions, end.reason));
  }

  private async endMeeting(): Promise<void> {
    const meeting = this.meeting;
    this.meeting = null;
    if (meeting !== null) await meeting.leave();
  }

  private async currentUser(): Promise<User | null> {
    if (this.user !== null) return this.user;
    if (!this.api.hasSession) return null;
    try {
      this.user = await this.api.me();
    } catch {
      this.user = null;
    }
    return this.user;
  }

  private show(view: View): void {
    this.view?.dispose?.();
    clearToasts();
    this.view = view;
    this.root.replaceChildren(view.element);
    document.title = view.element.querySelector('h1')?.textContent?.concat(' · Parley') ?? 'Parley';
  }

  private homeAction(): MessageAction {
    return { label: 'Back to home', testId: 'btn-home', run: () => this.navigate('/') };
  }

  private retryAction(): MessageAction {
    return { label: 'Try again', testId: 'btn-retry', primary: true, run: () => void this.render() };
  }

  /** Same-origin links (invite links on the home screen) navigate in place instead of reloading. */
  private interceptLink(event: MouseEvent): void {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = event.target instanceof Element ? event.target.closest('a') : null;
    // A download (a CSV export's blob: link shares the page's origin) is the browser's to handle.
    if (anchor === null || anchor.target !== '' || anchor.origin !== location.origin || anchor.hasAttribute('download')) return;
    event.preventDefault();
    this.navigate(anchor.pathname);
  }
}

/** Media for asking again: off until the person turns it on in the meeting. */
function noMedia(): LocalMedia {
  const local = new LocalMedia();
  local.micWanted = false;
  local.camWanted = false;
  return local;
}

const root = document.getElementById('app');
if (root !== null) {
  const app = new App(root);
  Object.defineProperty(window, 'parley', {
    configurable: false,
    enumerable: false,
    get: () => {
      const handles = app.handles;
      return handles === null ? null : Object.freeze(handles);
    },
  });
  void app.render();
}

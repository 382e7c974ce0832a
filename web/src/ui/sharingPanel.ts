import type { Api } from '../api';
import type { Invite, Room } from '../contract';
import { clear, copyText, h } from './dom';
import { toast } from './toast';

/**
 * A room's invite links (create with or without skipping the waiting room, copy, revoke; each link's uses) and
 * its members (invite a registered user by email, remove), folded under the room's card until opened.
 */
export function sharingPanel(api: Api, room: Room, isOwner: boolean): HTMLElement {
  const inviteList = h('ul', { className: 'plain-list', 'data-testid': 'invite-list' });
  const memberList = h('ul', { className: 'plain-list', 'data-testid': 'member-list' });
  const skip = h('input', { type: 'checkbox', 'data-testid': 'invite-skip' });
  const maxUses = h('input', { type: 'number', min: 1, max: 100000, placeholder: 'no limit', className: 'small-input', 'data-testid': 'invite-max-uses' });
  const email = h('input', { type: 'email', placeholder: 'name@example.com', 'data-testid': 'member-email' });
  const report = (error: unknown): void => toast(error instanceof Error ? error.message : String(error), 'error');

  const refreshInvites = async (): Promise<void> => {
    try {
      const invites = await api.invites(room.id);
      clear(inviteList);
      if (invites.length === 0) inviteList.appendChild(h('li', { className: 'muted' }, 'No invite links yet.'));
      for (const invite of invites) inviteList.appendChild(inviteItem(invite));
    } catch (error) {
      report(error);
    }
  };

  const inviteItem = (invite: Invite): HTMLElement => {
    const state = invite.revokedAt !== null ? 'revoked'
      : invite.expiresAt !== null && Date.parse(invite.expiresAt) <= Date.now() ? 'expired'
      : invite.maxUses !== null && invite.uses >= invite.maxUses ? 'used up' : null;
    return h('li', { className: 'invite-item', 'data-testid': 'invite-item', 'data-invite-id': invite.id },
      h('code', { className: 'invite-url', 'data-testid': 'invite-url' }, invite.url),
      h('span', { className: 'muted', 'data-testid': 'invite-uses' },
        `${invite.uses}${invite.maxUses === null ? '' : ` / ${invite.maxUses}`} uses${invite.skipWaitingRoom ? ' · skips the waiting room' : ''}${state === null ? '' : ` · ${state}`}`),
      state === null ? h('button', {
        type: 'button', className: 'btn btn-small', 'data-testid': 'btn-copy-invite',
        onclick: () => void copyText(invite.url).then((ok) => toast(ok ? 'Invite link copied' : `Copy it by hand: ${invite.url}`)),
      }, 'Copy') : null,
      state === null ? h('button', {
        type: 'button', className: 'btn btn-small btn-ghost btn-danger', 'data-testid': 'btn-revoke-invite',
        onclick: () => void api.revokeInvite(room.id, invite.id).then(refreshInvites, report),
      }, 'Revoke') : null,
    );
  };

  const create = h('button', { type: 'button', className: 'btn btn-small', 'data-testid': 'btn-create-invite' }, 'New invite link');
  create.addEventListener('click', () => {
    const limit = maxUses.value.trim() === '' ? undefined : Number(maxUses.value);
    void api.createInvite(room.id, { skipWaitingRoom: skip.checked, maxUses: limit })
      .then(async (invite) => {
        await refreshInvites();
        toast((await copyText(invite.url)) ? 'Invite link created and copied' : 'Invite link created');
      }, report);
  });

  const refreshMembers = async (): Promise<void> => {
    try {
      const members = await api.members(room.id);
      clear(memberList);
      if (members.length === 0) memberList.appendChild(h('li', { className: 'muted' }, 'Nobody invited by email yet.'));
      for (const member of members) {
        memberList.appendChild(h('li', { 'data-testid': 'member-item', 'data-user-id': member.userId },
          h('span', {}, `${member.name} · ${member.email}`),
          isOwner ? h('button', {
            type: 'button', className: 'btn btn-small btn-ghost btn-danger', 'data-testid': 'btn-remove-member',
            onclick: () => void api.removeMember(room.id, member.userId).then(refreshMembers, report),
          }, 'Remove') : null,
        ));
      }
    } catch (error) {
      report(error);
    }
  };

  const memberForm = h('form', { className: 'row', 'data-testid': 'member-form' }, email,
    h('button', { type: 'submit', className: 'btn btn-small', 'data-testid': 'btn-add-member' }, 'Invite'));
  memberForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const address = email.value.trim();
    if (address.length === 0) return;
    void api.addMember(room.id, address).then(() => { email.value = ''; return refreshMembers(); }, report);
  });

  const panel = h('details', { className: 'sharing-panel', 'data-testid': 'sharing-panel' },
    h('summary', { 'data-testid': 'btn-sharing' }, 'Invites and members'),
    h('h3', {}, 'Invite links'),
    h('div', { className: 'row' },
      h('label', { className: 'check' }, skip, h('span', {}, 'Skip the waiting room')),
      h('label', { className: 'row' }, h('span', {}, 'Max uses'), maxUses),
      create),
    inviteList,
    h('h3', {}, 'Members'),
    h('p', { className: 'muted' }, 'People with an account, invited by email, see the room under “Shared with me” and skip the waiting room.'),
    isOwner ? memberForm : null,
    memberList,
  );
  panel.addEventListener('toggle', () => {
    if (panel.open) {
      void refreshInvites();
      void refreshMembers();
    }
  });
  return panel;
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SETTINGS, isRoomHost, leftNotice, moderationActions, permissionsOf, roleBadge } from '../src/lib/roles';
import { room, roomUser } from './fakes';

describe('roles and permissions', () => {
  it('gives a viewer no mic, camera or screen', () => {
    assert.deepEqual(permissionsOf('viewer', DEFAULT_SETTINGS, false), { mic: false, cam: false, screen: false, unmute: false });
  });

  it('follows who may share the screen, whether video is allowed, and who may unmute', () => {
    const hostsOnly = { ...DEFAULT_SETTINGS, whoCanShareScreen: 'hosts' as const, whoCanUnmute: 'hosts' as const };
    assert.equal(permissionsOf('participant', hostsOnly, false).screen, false);
    assert.equal(permissionsOf('co-host', hostsOnly, false).screen, true);
    assert.equal(permissionsOf('participant', hostsOnly, true).unmute, false);
    assert.equal(permissionsOf('participant', hostsOnly, false).unmute, true);
    assert.equal(permissionsOf('host', hostsOnly, true).unmute, true);
    const audioOnly = { ...DEFAULT_SETTINGS, videoEnabled: false };
    assert.deepEqual(permissionsOf('host', audioOnly, false), { mic: true, cam: false, screen: false, unmute: true });
  });

  it('words the badges and the leave notices', () => {
    assert.equal(roleBadge('co-host'), 'co-host');
    assert.equal(roleBadge('participant'), null);
    assert.equal(leftNotice('Ann', 'left'), 'Ann left');
    assert.equal(leftNotice('Ann', 'removed'), 'Ann was removed by a host');
    assert.equal(leftNotice('Ann', 'disconnected'), 'Ann left (connection lost)');
    assert.equal(leftNotice('Ann', 'ended'), null);
  });

  it('offers hosts the actions that fit the person, and the owner alone co-hosts', () => {
    const talking = { ...roomUser('b', 'Bob'), isMicActive: true, isCamActive: true };
    assert.deepEqual(moderationActions({ userId: 'a', role: 'host', isOwner: true }, talking, 'a'),
      ['mute', 'stopCam', 'makeCoHost', 'makeViewer', 'remove']);
    assert.deepEqual(moderationActions({ userId: 'c', role: 'co-host', isOwner: false }, roomUser('b', 'Bob'), 'a'),
      ['askToUnmute', 'makeViewer', 'remove']);
    assert.deepEqual(moderationActions({ userId: 'c', role: 'co-host', isOwner: false }, roomUser('a', 'Owner', 'host'), 'a'), []);
    assert.deepEqual(moderationActions({ userId: 'b', role: 'participant', isOwner: false }, roomUser('c', 'Cy'), 'a'), []);
    assert.deepEqual(moderationActions({ userId: 'a', role: 'host', isOwner: true }, roomUser('v', 'Vi', 'viewer'), 'a'),
      ['makeCoHost', 'makeParticipant', 'remove']);
  });

  it('counts the owner and the co-hosts as the room\'s hosts (they may open its history)', () => {
    assert.equal(isRoomHost(room('alice'), 'alice'), true);
    assert.equal(isRoomHost({ ...room('alice'), coHostIds: ['carol'] }, 'carol'), true);
    assert.equal(isRoomHost({ ...room('alice'), coHostIds: ['carol'] }, 'bob'), false);
    assert.equal(isRoomHost(room('alice'), 'bob'), false);
  });
});

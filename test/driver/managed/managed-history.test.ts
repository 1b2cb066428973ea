/**
 * A managed fleet's shared release history, pure: the gcloud calls that write and read it, where its objects live
 * (beside the environment's Terraform state), the defensive parse of what `gcloud storage cat` prints, and which
 * release `rollback` goes back to from the one the group runs.
 */
import { resolveEnvs, TEST_PROJECT, validEnv } from '../../helpers';
import { catStorageCall, copyToStorageCall } from '../../../driver/managed/gcloud';
import {
  currentTemplate,
  ManagedRelease,
  parseHistory,
  releaseHistoryUrl,
  releaseObjectUrl,
  releaseRecord,
  rollbackTarget,
} from '../../../driver/managed/history';

const image = (x: string) => `r/app@sha256:${x.repeat(64)}`;
const release = (x: string, i: number, who = 'alice@example.com'): ManagedRelease => ({
  time: `2026-12-0${i + 1}T10:00:00.000Z`,
  who,
  commit: `${x}${i}cafe`,
  image: image(x),
});

test('the argv of the calls that write one record and read them all', () => {
  expect(copyToStorageCall('/run/r.json', 'gs://b/p/releases/x.json')).toEqual({
    command: 'gcloud',
    args: ['storage', 'cp', '/run/r.json', 'gs://b/p/releases/x.json', '--if-generation-match=0'],
  });
  expect(catStorageCall('gs://b/p/releases')).toEqual({
    command: 'gcloud',
    args: ['storage', 'cat', 'gs://b/p/releases/*.json'],
  });
});

test("the records live beside the environment's state: its bucket, its prefix, one object per release", () => {
  const project = resolveEnvs([validEnv()]);
  const env = project.environments[0];
  expect(releaseHistoryUrl(env)).toBe(`gs://${env.state.bucket}/${env.state.prefix}/releases`);
  expect(releaseHistoryUrl(env)).toBe(`gs://${TEST_PROJECT}-tfstate/docker-hosts/stage/releases`);
  const r = { ...release('a', 0), time: '2026-12-07T02:50:01.123Z' };
  expect(releaseObjectUrl(env, r)).toBe(
    `gs://${TEST_PROJECT}-tfstate/docker-hosts/stage/releases/20261207T025001.123Z-aaaaaaaaaaaa.json`,
  );
});

test('a record is one JSON line; the parse keeps records, oldest first, and skips the rest', () => {
  const [a, b] = [release('a', 0), { ...release('b', 1), template: 'stage-docker-host-2026b' }];
  const text = [
    releaseRecord(b),
    releaseRecord(a),
    'not json\n',
    '[1, 2]\n',
    `${JSON.stringify({ ...a, image: 'r/app:1.0' })}\n`,
    `${JSON.stringify({ ...a, time: 'yesterday' })}\n`,
    `${JSON.stringify({ ...a, who: 7 })}\n`,
    `${JSON.stringify({ ...a, template: ['x'] })}\n`,
    '\n',
  ].join('');
  expect(parseHistory(text)).toEqual({ releases: [a, b], skipped: 6 });
  expect(parseHistory('')).toEqual({ releases: [], skipped: 0 });
  expect(JSON.parse(releaseRecord(b))).toEqual(b);
});

describe('the release rollback goes back to', () => {
  // C and D rolled by alice, E by bob, then D again (a rollback), then F.
  const history = [
    release('c', 0),
    release('d', 1),
    release('e', 2, 'bob@example.com'),
    release('d', 3),
    release('f', 4),
  ];

  test('from the live release: the newest older record with another image', () => {
    expect(rollbackTarget(history, [image('f')], undefined)).toEqual({
      image: image('d'),
      record: history[3],
    });
    // Live D (its newest record is the 4th): back to E, bob's, whatever this machine rolled.
    expect(rollbackTarget(history.slice(0, 4), [image('d')], undefined)).toEqual({
      image: image('e'),
      record: history[2],
    });
    expect(rollbackTarget(history.slice(0, 3), [image('e')], undefined)).toEqual({
      image: image('d'),
      record: history[1],
    });
    expect(rollbackTarget(history, [image('c')], undefined)).toBe(
      `no recorded release before the live one (${image('c')}, rolled ${history[0].time} by alice@example.com)`,
    );
  });

  test('a live release the history does not have, or none, or several: name one', () => {
    const name = 'name the release to roll to: rollback <env> <commit prefix, digest or image>';
    expect(rollbackTarget(history, [image('9')], undefined)).toBe(
      `the live release ${image('9')} is not in the recorded history (rolled outside the driver?): ${name}`,
    );
    expect(rollbackTarget([], [image('9')], undefined)).toBe(
      `the live release ${image('9')} is not in the recorded history (rolled outside the driver?): ${name}`,
    );
    expect(rollbackTarget(history, [], undefined)).toBe(
      `the group has no hosts, so no live release: ${name}`,
    );
    expect(rollbackTarget(history, [image('d'), image('f')], undefined)).toBe(
      `the group's hosts run 2 releases (${image('d')}, ${image('f')}), a rollout under way or stopped: ${name}`,
    );
  });

  test('a named one: a commit prefix, a digest or an image; an image by digest even unrecorded', () => {
    expect(rollbackTarget(history, [], 'c0')).toEqual({ image: image('c'), record: history[0] });
    expect(rollbackTarget(history, [], `sha256:${'e'.repeat(64)}`)).toEqual({
      image: image('e'),
      record: history[2],
    });
    expect(rollbackTarget(history, [], image('d'))).toEqual({
      image: image('d'),
      record: history[3],
    });
    expect(rollbackTarget([], [], image('9'))).toEqual({ image: image('9') });
    expect(rollbackTarget(history, [], 'zz')).toBe(
      'no recorded release matches "zz" (a commit prefix, digest or image of "releases", or an image by digest)',
    );
  });
});

test('the current template: of those the hosts run, the one whose image was rolled last', () => {
  const history = [release('a', 0), release('b', 1)];
  const images = new Map([
    ['t-b', image('b')],
    ['t-a', image('a')],
  ]);
  expect(currentTemplate(images, history)).toBe('t-b');
  expect(currentTemplate(images, history.slice(0, 1))).toBe('t-a');
  expect(currentTemplate(images, [])).toBe('');
});

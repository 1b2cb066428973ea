import {
  InstancesError,
  parseInstances,
  releasesOf,
  serving,
} from '../../../driver/managed/instances';
import { templateImage } from '../../../driver/managed/commands';

const URL =
  'https://www.googleapis.com/compute/v1/projects/p/zones/europe-west1-b/instances/prod-docker-host-ab12';

describe('list-instances JSON, parsed strictly', () => {
  const one = {
    instance: URL,
    instanceStatus: 'RUNNING',
    currentAction: 'VERIFYING',
    version: {
      instanceTemplate: 'https://x/regions/europe-west1/instanceTemplates/prod-docker-host-2026',
    },
  };

  test('name and zone from the instance URL; no health yet is "-"; not serving while the group acts', () => {
    const [i] = parseInstances(JSON.stringify([one]));
    expect(i).toEqual({
      name: 'prod-docker-host-ab12',
      zone: 'europe-west1-b',
      status: 'RUNNING',
      action: 'VERIFYING',
      template: 'prod-docker-host-2026',
      health: '-',
    });
    expect(serving(i)).toBe(false);
  });

  test.each<[string, string]>([
    ['not json', 'list-instances did not print JSON'],
    ['{}', 'list-instances did not print a JSON list'],
    ['[3]', 'instance 1: must be an object'],
    [
      JSON.stringify([{ ...one, instance: 'prod-docker-host-ab12' }]),
      'instance 1: "instance" is not an instance URL',
    ],
    [
      JSON.stringify([{ ...one, currentAction: undefined }]),
      'instance 1: "currentAction" must be a non-empty string',
    ],
  ])('%s is refused', (json, message) => {
    expect(() => parseInstances(json)).toThrow(InstancesError);
    expect(() => parseInstances(json)).toThrow(message);
  });

  test('releases: one row per template, the current last, serving hosts counted', () => {
    const hosts = parseInstances(
      JSON.stringify([
        { ...one, currentAction: 'NONE', instanceHealth: [{ detailedHealthState: 'HEALTHY' }] },
        { ...one, instance: URL.replace('ab12', 'cd34'), version: { instanceTemplate: 't/new' } },
      ]),
    );
    const rows = releasesOf(hosts, new Map([['new', 'img@sha256:1']]), 'new');
    expect(rows.map((r) => [r.template, r.image, r.hosts.length, r.healthy])).toEqual([
      ['prod-docker-host-2026', '-', 1, 1],
      ['new', 'img@sha256:1', 1, 0],
    ]);
  });
});

describe('the release a template carries', () => {
  test("the image in the template's docker-hosts-release metadata", () => {
    const release = JSON.stringify({ name: 'app', image: 'r/app@sha256:9', port: 9292 });
    const json = JSON.stringify({
      properties: {
        metadata: {
          items: [
            { key: 'enable-oslogin', value: 'TRUE' },
            { key: 'docker-hosts-release', value: release },
          ],
        },
      },
    });
    expect(templateImage(json)).toBe('r/app@sha256:9');
    expect(templateImage('{"properties":{}}')).toBeUndefined();
    expect(templateImage('not json')).toBeUndefined();
  });
});

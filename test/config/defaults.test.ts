import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULTS } from '../../config';
import { REPO_ROOT } from '../fixtures/repo';

const read = (...path: string[]) => readFileSync(join(REPO_ROOT, ...path), 'utf8');

/** The README's configuration table: field → the text of its default column. */
function readmeDefaults(): Record<string, string> {
  const section = read('README.md').split('## Configuration')[1].split('\n## ')[0];
  const rows = [...section.matchAll(/^\| `([^`]+)` \| ([^|]+) \|/gm)];
  return Object.fromEntries(rows.map((m) => [m[1], m[2].trim()]));
}

/** `variable "x" { ... default = "v" ... }` of the Packer template's variables. */
function packerDefault(name: string): string | undefined {
  const block = read('packer', 'variables.pkr.hcl')
    .split(`variable "${name}" {`)[1]
    ?.split('\nvariable ')[0];
  return /^\s*default\s*=\s*"([^"]*)"/m.exec(block ?? '')?.[1];
}

function roleDefault(role: string, key: string): string | undefined {
  const text = read('ansible', 'roles', role, 'defaults', 'main.yml');
  return new RegExp(`^${key}: *"?([^"\\n]*)"?$`, 'm').exec(text)?.[1];
}

describe('one DEFAULTS object, and everything that repeats a default agrees with it', () => {
  const quoted = (value: unknown) =>
    Array.isArray(value) ? `\`[${value.map((v) => `'${v}'`).join(', ')}]\`` : `\`${value}\``;

  test.each([
    ['hostCount', DEFAULTS.hostCount],
    ['machineType', DEFAULTS.machineType],
    ['diskSizeGb', DEFAULTS.diskSizeGb],
    ['imageFamily', DEFAULTS.imageFamily],
    ['sourceImageFamily', DEFAULTS.sourceImageFamily],
    ['sourceImageProject', DEFAULTS.sourceImageProject],
    ['network', DEFAULTS.network],
    ['exposure', DEFAULTS.exposure],
    ['lbLogSampleRate', DEFAULTS.lbLogSampleRate],
    ['deletionProtection', DEFAULTS.deletionProtection],
    ['app.healthCheckPath', DEFAULTS.app.healthCheckPath],
    ['appSourceRanges', DEFAULTS.appSourceRanges],
    ['sshSourceRanges', DEFAULTS.sshSourceRanges],
    ['allowSshFromAnywhere', DEFAULTS.allowSshFromAnywhere],
    ['ssh.osLogin', DEFAULTS.ssh.osLogin],
    ['ssh.user', DEFAULTS.ssh.user],
    ['ssh.privateKeyFile', DEFAULTS.ssh.privateKeyFile],
    ['app.image', DEFAULTS.app.image],
    ['app.port', DEFAULTS.app.port],
    ['app.containerName', DEFAULTS.app.containerName],
    ['app.build.dockerfile', DEFAULTS.app.build.dockerfile],
    ['app.build.name', DEFAULTS.app.build.name],
    ['rollout.canary', DEFAULTS.rollout.canary],
    ['rollout.batch', `'${DEFAULTS.rollout.batch}'`],
  ])('README table: %s', (field, value) => {
    expect(readmeDefaults()[field]).toMatch(
      new RegExp(`^${quoted(value).replace(/[[\]().*+?]/g, '\\$&')}`),
    );
  });

  test('README: project-wide defaults', () => {
    const text = read('README.md');
    expect(text).toContain(`\`stateLocation\` (\`${DEFAULTS.stateLocation}\`)`);
    expect(text).toContain(`\`stateVersionsKept\` (\`${DEFAULTS.stateVersionsKept}\``);
    expect(text).toContain(`\`backendState\` (\`${DEFAULTS.backendState}\``);
    for (const [key, value] of Object.entries(DEFAULTS.registry))
      expect(text).toContain(`\`${key}\` \`${value}\``);
  });

  test('Packer variables', () => {
    expect(packerDefault('image_family')).toBe(DEFAULTS.imageFamily);
    expect(packerDefault('source_image_family')).toBe(DEFAULTS.sourceImageFamily);
    expect(packerDefault('source_image_project')).toBe(DEFAULTS.sourceImageProject);
    expect(packerDefault('machine_type')).toBe(DEFAULTS.machineType);
    expect(packerDefault('deploy_user')).toBe(DEFAULTS.ssh.user);
  });

  test('Ansible role defaults', () => {
    expect(roleDefault('app', 'app_image')).toBe(DEFAULTS.app.image);
    expect(roleDefault('app', 'app_port')).toBe(String(DEFAULTS.app.port));
    expect(roleDefault('app', 'app_container_name')).toBe(DEFAULTS.app.containerName);
    expect(roleDefault('app', 'app_health_path')).toBe(DEFAULTS.app.healthCheckPath);
    expect(roleDefault('docker_host', 'deploy_user')).toBe(DEFAULTS.ssh.user);
  });

  test.each(['site.yml', 'rollback.yml'])("%s's serial without the driver is rollout's", (file) => {
    const { canary, batch } = DEFAULTS.rollout;
    const serials = [...read('ansible', 'playbooks', file).matchAll(/^ {2}serial: (.*)$/gm)];
    expect(serials.map((m) => m[1])).toEqual([
      `"{{ app_serial | default([${canary}, '${batch}']) }}"`,
    ]);
  });
});

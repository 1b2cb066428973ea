import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FIXTURE_PROJECT as PROJECT } from '../fixtures/project';
import { EnvironmentConfig, resolveProject } from '../../config';

const ROOT = resolve(__dirname, '..', '..');

/** The top-level `key: value` scalars of a role's defaults/main.yml (no YAML library needed for these). */
function roleDefaults(role: string): Record<string, string> {
  const text = readFileSync(
    resolve(ROOT, 'ansible', 'roles', role, 'defaults', 'main.yml'),
    'utf8',
  );
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^([a-z_][a-z0-9_]*): *(.*)$/gm))
    out[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  return out;
}

/** An environment that leaves the app and the ssh user to their config defaults. */
function defaultEnvironment(): EnvironmentConfig {
  const base = PROJECT.environments[0];
  const spec = {
    ...PROJECT,
    environments: [
      { ...base, app: undefined, ssh: { ...base.ssh, user: undefined, osLogin: undefined } },
    ],
  };
  const config = resolveProject(spec);
  return config.environments[0];
}

// The driver passes these from the config (app-vars.json); a manual run without it must deploy the same.
describe('ansible role defaults match the config defaults', () => {
  it('app: image, port, container name', () => {
    const { app } = defaultEnvironment();
    const defaults = roleDefaults('app');
    expect({
      app_image: defaults.app_image,
      app_port: Number(defaults.app_port),
      app_container_name: defaults.app_container_name,
    }).toEqual({ app_image: app.image, app_port: app.port, app_container_name: app.containerName });
  });

  it('docker_host: the deploy user is the default ssh user', () => {
    expect(roleDefaults('docker_host').deploy_user).toBe(defaultEnvironment().ssh.user);
  });
});

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveEnvs, validEnv } from '../helpers';

const ROOT = resolve(__dirname, '..', '..');

/** The default of a variable in packer/variables.pkr.hcl. */
function packerDefault(name: string): string {
  const text = readFileSync(resolve(ROOT, 'packer', 'variables.pkr.hcl'), 'utf8');
  const block = new RegExp(`variable "${name}" \\{[^}]*?default\\s*=\\s*"([^"]*)"`, 's').exec(text);
  if (!block) throw new Error(`no default for ${name} in packer/variables.pkr.hcl`);
  return block[1];
}

// A manual `packer build` without the driver's var file starts from what the config defaults to.
describe('packer defaults match the config defaults', () => {
  it('source image: Debian 13 from debian-cloud', () => {
    const [env] = resolveEnvs([validEnv()]).environments;
    expect(env.sourceImageFamily).toBe('debian-13');
    expect({
      family: packerDefault('source_image_family'),
      project: packerDefault('source_image_project'),
    }).toEqual({ family: env.sourceImageFamily, project: env.sourceImageProject });
  });

  it('debian-12 is still accepted', () => {
    const [env] = resolveEnvs([{ ...validEnv(), sourceImageFamily: 'debian-12' }]).environments;
    expect(env.sourceImageFamily).toBe('debian-12');
  });
});

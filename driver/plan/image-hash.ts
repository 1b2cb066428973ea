/**
 * What the image is built from, as one hash: the Packer template, everything of Ansible it runs (the playbook
 * packer/docker-host-base.pkr.hcl names, the ansible.cfg it sets, the docker_host role), and the variables the
 * driver passes. Equal to the hash recorded after the last successful build → the image build can be skipped.
 *
 * Honest limits: it is local knowledge (.run/<env>/state.json on this machine). An image deleted in GCP, or built
 * from another clone, is not seen; --build-image forces a build.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Inputs of the image, relative to the repository root: folders (every file in them) and single files. */
const IMAGE_SOURCES = [
  'packer',
  'ansible/ansible.cfg',
  'ansible/playbooks/image.yml',
  'ansible/roles/docker_host',
] as const;

/** Never part of the image's inputs: caches and local state. */
const IGNORED = new Set(['.git', 'node_modules', 'packer_cache', '.terraform', '__pycache__']);

/** The files of one source (a folder, recursively, or a single file), relative to the root. */
function listFiles(root: string, source: string): string[] {
  const dir = join(root, source);
  if (!existsSync(dir)) return [];
  if (!statSync(dir).isDirectory()) return [source];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .map((entry) => ({
      entry,
      path: relative(root, join(entry.parentPath ?? entry.path, entry.name)),
    }))
    .filter(({ entry, path }) => {
      // Var files are hashed as the variables they hold (see imageSourceHash), except *.auto.pkrvars.json,
      // which Packer loads by itself.
      const varFile =
        entry.name.endsWith('.pkrvars.json') && !entry.name.endsWith('.auto.pkrvars.json');
      if (varFile || path.split(sep).some((part) => IGNORED.has(part))) return false;
      return entry.isFile() || (entry.isSymbolicLink() && statSync(join(root, path)).isFile());
    })
    .map(({ path }) => path.split(sep).join('/'));
}

/**
 * sha256 over every input file (sorted path, then content) and the build variables that shape the image
 * (`vars`: everything except labels, which carry the hash itself).
 */
export function imageSourceHash(root: string, vars: Readonly<Record<string, unknown>>): string {
  const files = IMAGE_SOURCES.flatMap((source) => listFiles(root, source)).sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`file ${file}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update('\0');
  }
  hash.update(`vars ${JSON.stringify(vars)}`);
  return hash.digest('hex');
}

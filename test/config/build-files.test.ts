/**
 * app.build's context and Dockerfile on disk (config/resolve-build-files.ts): resolved through every symbolic link,
 * they must stay inside the repository, exist, and be a folder and a regular file; a context starting with "-" is
 * refused by its pattern. Checked when the repository root is given (synth, the driver, review).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppBuildSpec, resolveProject } from '../../config';
import { testContext, validEnv } from '../helpers';

let root: string;
let outside: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'build-files-'));
  outside = mkdtempSync(join(tmpdir(), 'build-files-outside-'));
  writeFileSync(join(outside, 'Dockerfile'), 'FROM scratch\n');
  mkdirSync(join(root, 'app', 'docker'), { recursive: true });
  writeFileSync(join(root, 'app', 'Dockerfile'), 'FROM scratch\n');
  writeFileSync(join(root, 'app', 'docker', 'Dockerfile'), 'FROM scratch\n');
  writeFileSync(join(root, 'README'), 'a file\n');
  symlinkSync('/', join(root, 'escape'));
  symlinkSync(outside, join(root, 'away'));
  symlinkSync('app', join(root, 'app-link'));
  symlinkSync(join(outside, 'Dockerfile'), join(root, 'app', 'Dockerfile.outside'));
  execFileSync('mkfifo', [join(root, 'app', 'Dockerfile.fifo')]);
  mkdirSync(join(root, 'app', 'Dockerfile.dir'));
});
afterAll(() => [root, outside].forEach((d) => rmSync(d, { recursive: true, force: true })));

function resolveBuild(build: AppBuildSpec) {
  const spec = { environments: [validEnv({ app: { build } })] };
  return resolveProject(spec, { ...testContext(), root });
}

describe('app.build on disk', () => {
  test('a context and Dockerfile inside the repository pass, also through a link that stays inside', () => {
    expect(resolveBuild({ context: 'app' }).environments[0].app.build?.context).toBe('app');
    expect(
      resolveBuild({ context: 'app-link', dockerfile: 'docker/Dockerfile' }).environments[0].app
        .build,
    ).toEqual(expect.objectContaining({ context: 'app-link', dockerfile: 'docker/Dockerfile' }));
  });

  test.each<[string, AppBuildSpec, string]>([
    [
      'a context that is a link to /',
      { context: 'escape' },
      'config error: environment "stage": field "app.build.context" must stay inside the repository ' +
        '(got "escape", which a symbolic link takes to "/": docker build would send it to the engine)',
    ],
    [
      'a context below a link out of the repository',
      { context: 'away' },
      'field "app.build.context" must stay inside the repository (got "away", which a symbolic link takes to',
    ],
    [
      'a context through a link on the way',
      { context: 'escape/tmp' },
      'field "app.build.context" must stay inside the repository (got "escape/tmp", which a symbolic link takes to "/tmp"',
    ],
    [
      'a Dockerfile linked out of the repository',
      { context: 'app', dockerfile: 'Dockerfile.outside' },
      'field "app.build.dockerfile" must stay inside the repository (got "app/Dockerfile.outside", which a symbolic link',
    ],
    [
      'a context that does not exist',
      { context: 'nope' },
      'field "app.build.context" must name a folder in the repository (got "nope", which does not exist)',
    ],
    [
      'a Dockerfile that does not exist',
      { context: 'app', dockerfile: 'Dockerfile.prod' },
      'field "app.build.dockerfile" must name a file of the context "app" in the repository ' +
        '(got "app/Dockerfile.prod", which does not exist)',
    ],
    [
      'a context that is a file',
      { context: 'README' },
      'field "app.build.context" must name a folder (got "README")',
    ],
    [
      'a Dockerfile that is a FIFO',
      { context: 'app', dockerfile: 'Dockerfile.fifo' },
      'field "app.build.dockerfile" must name a regular file (got "Dockerfile.fifo" in "app")',
    ],
    [
      'a Dockerfile that is a folder',
      { context: 'app', dockerfile: 'Dockerfile.dir' },
      'field "app.build.dockerfile" must name a regular file (got "Dockerfile.dir" in "app")',
    ],
    [
      'a context starting with "-" (an option to docker build)',
      { context: '--file=/etc/passwd' },
      'field "app.build.context" must be a relative path inside the repository such as "app" ' +
        '(no "..", no leading "/" or "-") (got "--file=/etc/passwd")',
    ],
    [
      'a Dockerfile starting with "-"',
      { context: 'app', dockerfile: '-f' },
      'field "app.build.dockerfile" must be',
    ],
  ])('refused: %s', (_label, build, message) => {
    expect(() => resolveBuild(build)).toThrow(message);
  });

  test('the resolved path shown is where the link leads', () => {
    expect(() => resolveBuild({ context: 'away' })).toThrow(`takes to "${realpathSync(outside)}"`);
  });

  test('without the repository root (pure resolution, as the tests and fixtures use) nothing is read', () => {
    const spec = { environments: [validEnv({ app: { build: { context: 'escape' } } })] };
    expect(resolveProject(spec, testContext()).environments[0].app.build?.context).toBe('escape');
  });
});

import { App, TerraformResource } from 'cdktf';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildStacks } from '../../stacks/app';
import { DockerHostsStack } from '../../stacks/docker-hosts-stack';
import { TierContext } from './context';
import { FIXTURES } from './fixtures';
import { assert, assertEqual } from './harness';
import { resolveFixture, synthesize, SynthStack } from './synth';
import { shareInit, terraformFails, terraformOk } from './terraform';

/** The provider the bindings were generated from, as @cdktf/provider-google records it. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const BINDINGS = require('@cdktf/provider-google/package.json').cdktf.provider as {
  name: string;
  version: string;
};

/** Every fixture goes through the project's own validation, stacks and policy checks. */
export async function synthesisChecks(ctx: TierContext): Promise<void> {
  const expected: Record<string, string[]> = {
    single: ['backend', 'registry', 'stage'],
    'single-public-ips': ['backend', 'registry', 'stage'],
    fleet: ['backend', 'lab', 'prod', 'registry', 'stage'],
    managed: ['backend', 'registry', 'scale', 'web'],
  };
  for (const fixture of FIXTURES) {
    await ctx.tally.check(
      `${fixture.name}: synthesizes every stack (config, stacks, policies)`,
      () => {
        const config = resolveFixture(fixture.spec);
        const stacks = synthesize(join(ctx.work, `${fixture.name}-synth`), config);
        assertEqual(stacks.map((s) => s.name).sort(), expected[fixture.name], 'stacks');
        for (const s of stacks)
          assertEqual(
            s.json.terraform.required_providers.google.version,
            BINDINGS.version,
            'google',
          );
      },
    );
  }
}

/**
 * What Terraform checks without the provider: it loads the whole synthesized file (block structure,
 * meta-arguments, lifecycle, references in depends_on/ignore_changes, outputs, the backend) and
 * lists what it requires. The backend initialisation is the one its backend-only copy made.
 */
export async function structureChecks(
  ctx: TierContext,
  fixture: string,
  stacks: readonly SynthStack[],
): Promise<void> {
  for (const stack of stacks) {
    await ctx.tally.check(
      `${fixture}/${stack.name}: terraform 1.5.7 loads the whole synthesized config`,
      () => {
        shareInit(`${stack.dir}.backend-only`, stack.dir);
        const out = terraformOk(ctx.tf, stack.dir, ['providers']);
        const required = out.split('\n').filter((line) => line.includes('provider['));
        assertEqual(
          required,
          [`└── provider[${BINDINGS.name}] ${BINDINGS.version}`],
          'providers required',
        );
      },
    );
  }
}

/** How a negative check breaks the synthesized stage stack of the `single` fixture, and what must refuse it. */
interface Breakage {
  readonly name: string;
  readonly breaks: (stack: DockerHostsStack) => TerraformResource;
  readonly command: string[];
  readonly expected: string | RegExp;
}

const firewall = (stack: DockerHostsStack) =>
  stack.node.findAll().find((c): c is ComputeFirewall => c instanceof ComputeFirewall)!;

/** The first host of a fixed fleet's stack. */
const firstHost = (stack: DockerHostsStack) => {
  if (stack.fleet === undefined) throw new Error(`stack ${stack.node.id} has no fixed fleet`);
  return stack.fleet.hosts[0].instance;
};

const BREAKAGES: readonly Breakage[] = [
  {
    name: 'count and for_each on one instance are refused by terraform',
    breaks: (stack) => {
      const instance = firstHost(stack);
      instance.addOverride('count', 1);
      instance.addOverride('for_each', { a: 'b' });
      return instance;
    },
    command: ['providers'],
    expected: 'Invalid combination of "count" and "for_each"',
  },
  {
    name: 'an invalid enum value (firewall direction) is refused by the provider',
    breaks: (stack) => withOverride(firewall(stack), 'direction', 'SIDEWAYS'),
    command: ['validate'],
    expected: /expected direction to be one of/,
  },
  {
    name: 'a missing required argument (machine_type) is refused',
    breaks: (stack) => withOverride(firstHost(stack), 'machine_type', undefined),
    command: ['validate'],
    expected: 'The argument "machine_type" is required',
  },
  {
    name: 'conflicting arguments (allow and deny on one firewall) are refused by the provider',
    breaks: (stack) => withOverride(firewall(stack), 'deny', [{ protocol: 'all' }]),
    command: ['validate'],
    expected: 'only one of `allow,deny` can be specified',
  },
];

function withOverride(
  resource: TerraformResource,
  path: string,
  value: unknown,
): TerraformResource {
  resource.addOverride(path, value);
  return resource;
}

/** Each broken stack must be refused by Terraform or the provider with its own message, which is printed. */
export async function brokenStackCheck(ctx: TierContext): Promise<void> {
  for (const [n, breakage] of BREAKAGES.entries())
    await ctx.tally.check(`negative: ${breakage.name}`, () => {
      const outdir = join(ctx.work, `broken-${n}`, 'cdktf.out');
      mkdirSync(outdir, { recursive: true });
      const app = new App({ outdir });
      const { environments } = buildStacks(app, resolveFixture(FIXTURES[0].spec));
      const resource = breakage.breaks(environments[0]);
      app.synth();
      const dir = join(outdir, 'stacks', environments[0].node.id);
      const json = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8'));
      delete json.terraform.backend;
      writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(json, null, 2));
      if (breakage.command[0] !== 'providers') terraformOk(ctx.tf, dir, ['init', '-input=false']);
      const out = terraformFails(ctx.tf, dir, breakage.command, breakage.expected);
      assert(
        out.includes(resource.terraformResourceType),
        `the message does not name the resource:\n${out}`,
      );
      console.log(out.trim().replace(/^/gm, '    | '));
    });
}

import { App, TerraformStack } from 'cdktf';
import { environmentRegistry, ProjectConfig } from '../config';
import { checkPolicies, PolicyViolationError, Suppression } from '../policies/check';
import { StackJson } from '../policies/rules';
import { BACKEND_STACK } from '../lib/constants';
import { BackendStack } from './backend-stack';
import { DockerHostsStack } from './docker-hosts-stack';
import { REGISTRY_STACK, RegistryStack } from './registry-stack';

export interface AppStacks {
  readonly backend: BackendStack;
  readonly registry: RegistryStack;
  readonly environments: readonly DockerHostsStack[];
}

/** Adds the backend stack and one stack per environment to the app. */
export function buildStacks(app: App, config: ProjectConfig): AppStacks {
  const backend = new BackendStack(app, BACKEND_STACK, config);
  // No addDependency on the backend: `cdktf deploy stage` must work on its own once the bucket
  // exists (the CLI refuses to deploy a stack without its dependencies).
  // Deploy order: backend, registry, environments (each grants its hosts read access on the registry).
  const registry = new RegistryStack(app, REGISTRY_STACK, config);
  const environments = config.environments.map(
    (env) => new DockerHostsStack(app, env, environmentRegistry(config, env.name)),
  );
  return { backend, registry, environments };
}

/** Exceptions the config asks for explicitly, each with its reason. */
export function configSuppressions(config: ProjectConfig): Suppression[] {
  const ssh = config.environments
    .filter((env) => env.allowSshFromAnywhere)
    .map((env) => ({
      rule: 'DH1-ssh-not-open-to-world',
      stack: env.name,
      reason: 'allowSshFromAnywhere is set in config/environments.ts',
    }));
  // An environment without deletion protection (a rehearsal such as stage) may lose its data disks on destroy.
  const disks = config.environments
    .filter((env) => env.dataDisk !== undefined && !env.deletionProtection)
    .map((env) => ({
      rule: 'DH20-data-disks-protected',
      stack: env.name,
      reason:
        'deletionProtection is false in config/environments.ts: destroy deletes the data disks (their snapshots stay)',
    }));
  return ssh.concat(disks);
}

/** Builds the stacks, checks the policies, and only then writes cdktf.out. */
export function synthesizeApp(app: App, config: ProjectConfig): AppStacks {
  const stacks = buildStacks(app, config);
  const all: TerraformStack[] = [stacks.backend, stacks.registry, ...stacks.environments];
  const findings = checkPolicies(
    all.map((stack) => ({ name: stack.node.id, json: stack.toTerraform() as StackJson })),
    configSuppressions(config),
  );
  if (findings.length > 0) throw new PolicyViolationError(findings);
  app.synth();
  return stacks;
}

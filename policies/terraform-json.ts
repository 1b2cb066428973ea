/**
 * The Terraform JSON the policy rules read, the rule factory (`stacksRule`, `resourceRule`) and helpers to walk the
 * JSON: the one home of what every rule file shares.
 */

/** The synthesized Terraform JSON of one stack (only the parts the rules read). */
export interface StackJson {
  readonly terraform?: {
    readonly backend?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  };
  readonly resource?: Readonly<
    Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>
  >;
}

export interface SynthesizedStack {
  readonly name: string;
  readonly json: StackJson;
}

export interface Finding {
  readonly rule: string;
  readonly stack: string;
  /** Terraform address, e.g. `google_compute_firewall.firewall_ssh`, or `terraform.backend`. */
  readonly address: string;
  readonly message: string;
}

export interface PolicyRule {
  readonly id: string;
  readonly description: string;
  /** Findings of this rule over all stacks (some rules compare stacks with each other). */
  check(stacks: readonly SynthesizedStack[]): Finding[];
}

export type Attributes = Readonly<Record<string, unknown>>;

export function resourcesOf(stack: SynthesizedStack, type: string): [string, Attributes][] {
  return Object.entries(stack.json.resource?.[type] ?? {});
}

/** Project-level IAM resources: a grant there covers every resource of its kind in the project. */
const PROJECT_IAM_TYPES = ['google_project_iam_member', 'google_project_iam_binding'] as const;

/** A project-level grant of a role under `rolePrefix` (`roles/secretmanager.`): its address and attributes. */
export interface ProjectGrant {
  readonly address: string;
  readonly attrs: Attributes;
}

/** The stack's project-level IAM grants of roles that start with `rolePrefix`. */
export function projectRoleGrants(stack: SynthesizedStack, rolePrefix: string): ProjectGrant[] {
  return PROJECT_IAM_TYPES.flatMap((type) =>
    resourcesOf(stack, type)
      .filter(([, attrs]) => typeof attrs.role === 'string' && attrs.role.startsWith(rolePrefix))
      .map(([name, attrs]) => ({ address: `${type}.${name}`, attrs })),
  );
}

export type Report = (stack: SynthesizedStack, address: string, message: string) => Finding;

/** A rule over all stacks at once (some compare stacks with each other); `report` gives a finding its rule id. */
export function stacksRule(
  id: string,
  description: string,
  check: (stacks: readonly SynthesizedStack[], report: Report) => Finding[],
): PolicyRule {
  return {
    id,
    description,
    check: (stacks) =>
      check(stacks, (stack, address, message) => ({
        rule: id,
        stack: stack.name,
        address,
        message,
      })),
  };
}

/** A rule that judges each resource of one type on its own: its problems, one finding each. */
export function resourceRule(
  id: string,
  type: string,
  description: string,
  problems: (attrs: Attributes) => string[],
): PolicyRule {
  return stacksRule(id, description, (stacks, report) =>
    stacks.flatMap((stack) =>
      resourcesOf(stack, type).flatMap(([name, attrs]) =>
        problems(attrs).map((message) => report(stack, `${type}.${name}`, message)),
      ),
    ),
  );
}

/** Terraform JSON renders a block as an object or a one-element list, depending on its origin. */
export function block(value: unknown): Attributes | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first !== null && typeof first === 'object' ? (first as Attributes) : undefined;
}

/** A Terraform boolean: true, or the strings "true"/"1" (metadata values are strings). */
export function isTrue(value: unknown): boolean {
  return (
    value === true || (typeof value === 'string' && ['true', '1'].includes(value.toLowerCase()))
  );
}

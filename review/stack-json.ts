/** Reading synthesized Terraform JSON (cdk.tf.json) for the review: resources, references, blocks. */
import { SynthesizedStack } from '../policies/rules';

export type Attrs = Readonly<Record<string, unknown>>;

/** `[address, attributes]` of every resource of `type` (every resource when no type), in address order. */
export function resources(stack: SynthesizedStack, type?: string): [string, Attrs][] {
  const all = Object.entries(stack.json.resource ?? {}).flatMap(([t, byName]) =>
    Object.entries(byName).map(([name, attrs]): [string, Attrs] => [`${t}.${name}`, attrs]),
  );
  return all
    .filter(([address]) => type === undefined || address.startsWith(`${type}.`))
    .sort(([a], [b]) => a.localeCompare(b));
}

/** Terraform JSON renders a block as an object or a one-element list. */
export function block(value: unknown): Attrs | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first !== null && typeof first === 'object' ? (first as Attrs) : undefined;
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** `${google_service_account.service-account.email}` → the address and attribute it refers to. */
export function reference(value: unknown): { address: string; attribute: string } | undefined {
  const m =
    typeof value === 'string'
      ? /^\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z_]+)\}$/.exec(value)
      : null;
  return m === null ? undefined : { address: m[1], attribute: m[2] };
}

export function resource(stack: SynthesizedStack, address: string): Attrs | undefined {
  const [type, name] = address.split('.');
  return stack.json.resource?.[type]?.[name];
}

/** A service account email, resolved from a reference to the stack's own account where it is one. */
export function serviceAccountEmail(stack: SynthesizedStack, value: unknown): string {
  const ref = reference(value);
  const account = ref === undefined ? undefined : resource(stack, ref.address);
  if (ref === undefined || account === undefined) return String(value ?? '(none)');
  const email = `${String(account.account_id)}@${String(account.project)}.iam.gserviceaccount.com`;
  return ref.attribute === 'member' ? `serviceAccount:${email}` : `${email} (${ref.address})`;
}

/** `gs://bucket/prefix`, or `local: path`. */
export function backendOf(stack: SynthesizedStack): string {
  const backend = stack.json.terraform?.backend ?? {};
  const gcs = backend.gcs;
  if (gcs !== undefined) return `gs://${String(gcs.bucket)}/${String(gcs.prefix)}`;
  const local = backend.local;
  if (local !== undefined) return `local: ${String(local.path ?? 'terraform.tfstate')}`;
  return Object.keys(backend).join(', ') || '(none: local terraform.tfstate)';
}

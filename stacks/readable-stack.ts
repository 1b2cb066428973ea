import { TerraformElement, TerraformStack } from 'cdktf';
import { Construct, Node } from 'constructs';

const LOGICAL_ID = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * A stack whose Terraform addresses are the construct path, joined with "_", without cdktf's hash
 * suffix: `google_compute_instance.fleet_docker-host-001` rather than `..._A1B2C3D4`. A construct
 * named `Default` is the main resource of its parent and adds nothing to the address. Two elements
 * that would share an address fail the synth instead of getting a silent hash.
 */
export abstract class ReadableStack extends TerraformStack {
  private readonly allocated = new Map<string, string>();

  constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  protected override allocateLogicalId(tfElement: TerraformElement | Node): string {
    const node = TerraformElement.isTerraformElement(tfElement) ? tfElement.node : tfElement;
    const components = node.scopes
      .slice(node.scopes.indexOf(this) + 1)
      .map((c) => c.node.id)
      .filter((id) => id !== 'Default');
    const logicalId = components.join('_');
    if (!LOGICAL_ID.test(logicalId)) {
      throw new Error(
        `construct path "${node.path}" does not make a valid Terraform name ("${logicalId}")`,
      );
    }
    const owner = this.allocated.get(logicalId);
    if (owner !== undefined && owner !== node.path) {
      throw new Error(
        `constructs "${owner}" and "${node.path}" would share the Terraform name "${logicalId}"`,
      );
    }
    this.allocated.set(logicalId, node.path);
    return logicalId;
  }
}

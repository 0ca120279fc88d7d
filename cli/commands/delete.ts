// `tessera delete KIND NAME --mesh M`: deletes one App Mesh resource.

import { Command } from 'commander';
import { withControlPlane } from '../client.js';
import { describeResource as describeText } from '../resources/kinds.js';
import { deleteResource } from '../resources/mesh-api.js';
import { KIND_HELP, type ScopeFlags, scopeOf } from '../resources/resource-scope.js';

export function deleteCommand(): Command {
  return new Command('delete')
    .description('delete an App Mesh resource')
    .argument('<kind>', KIND_HELP)
    .argument('<name>', 'the resource name (the mesh name for a mesh)')
    .option('--mesh <mesh>', 'mesh name (not for meshes)')
    .option('--virtual-router <router>', 'virtual router of the route')
    .option('--virtual-gateway <gateway>', 'virtual gateway of the gateway route')
    .option(
      '--control-plane <url>',
      'control plane base URL [TESSERA_CONTROL_PLANE, default http://127.0.0.1:7070]',
    )
    .action(async (kindText: string, name: string, options: ScopeFlags & { controlPlane?: string }) => {
      await withControlPlane('delete', options, async (client) => {
        const scope = scopeOf(kindText, name, options, true);
        const meshName = scope.kind === 'mesh' ? name : scope.meshName;
        await deleteResource(client, { ...scope, meshName, name });
        console.log(`deleted ${describeText(scope.kind, meshName, name, scope.parentName)}`);
        return 0;
      });
    });
}

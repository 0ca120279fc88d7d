// Virtual service spec: the virtual node or virtual router that provides the service, if any.

import { z } from 'zod';
import { exactlyOne, resourceName } from './shared.js';

export const virtualServiceSpec = z.strictObject({
  /** @default - no provider: the service name resolves to nothing until one is set. */
  provider: exactlyOne(
    z.strictObject({
      virtualNode: z.strictObject({ virtualNodeName: resourceName }).optional(),
      virtualRouter: z.strictObject({ virtualRouterName: resourceName }).optional(),
    }),
    ['virtualNode', 'virtualRouter'],
  ).optional(),
});
export type VirtualServiceSpec = z.infer<typeof virtualServiceSpec>;

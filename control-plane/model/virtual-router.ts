// Virtual router spec: the ports and protocols its routes receive traffic on.

import { z } from 'zod';
import { PORT_PROTOCOLS } from './constants.js';
import { portMapping } from './listener.js';
import { checkUnique, withRule } from './shared.js';

export const virtualRouterSpec = withRule(
  z.strictObject({
    listeners: z.array(z.strictObject({ portMapping: portMapping(PORT_PROTOCOLS) })).optional(),
  }),
  (spec, report) => checkUnique(spec.listeners, ['listeners'], ['portMapping', 'port'], report),
);
export type VirtualRouterSpec = z.infer<typeof virtualRouterSpec>;

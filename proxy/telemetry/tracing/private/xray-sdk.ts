// The X-Ray SDK's segment classes, loaded on first use from their own files rather than the package root:
// the root starts `cls-hooked` (async_hooks for the whole process) unless manual mode was set before the
// import, and configures a process-wide emitter this proxy does not use.

import { createRequire } from 'node:module';
import type SubsegmentClass from 'aws-xray-sdk-core/dist/lib/segments/attributes/subsegment.js';
import type SegmentClass from 'aws-xray-sdk-core/dist/lib/segments/segment.js';

export type XraySegment = SegmentClass;
export type XraySubsegment = SubsegmentClass;

export interface XraySdk {
  readonly Segment: typeof SegmentClass;
}

let sdk: XraySdk | undefined;

export function loadXraySdk(): XraySdk {
  if (sdk === undefined) {
    const require = createRequire(import.meta.url);
    sdk = { Segment: require('aws-xray-sdk-core/dist/lib/segments/segment.js') as typeof SegmentClass };
  }
  return sdk;
}

// Access-log settings of a node or gateway: the file and the line format.

import type { Logging } from '../model/logging.js';
import type { AccessLog } from '../snapshot/snapshot.js';

/** The access log, or undefined when none is configured. */
export function accessLog(logging: Logging | undefined): AccessLog | undefined {
  const file = logging?.accessLog?.file;
  if (file === undefined) return undefined;
  const format = file.format;
  if (format?.text !== undefined) return { path: file.path, format: { kind: 'text', pattern: format.text } };
  if (format?.json !== undefined) {
    return {
      path: file.path,
      format: { kind: 'json', fields: format.json.map(({ key, value }) => ({ key, value })) },
    };
  }
  return { path: file.path };
}

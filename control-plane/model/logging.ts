// Access logging of a virtual node or virtual gateway: a file path and a text or JSON format.

import { z } from 'zod';
import {
  MAX_FILE_PATH_LENGTH,
  MAX_JSON_LOG_KEY_LENGTH,
  MAX_JSON_LOG_VALUE_LENGTH,
  MAX_TEXT_LOG_FORMAT_LENGTH,
} from './constants.js';
import { exactlyOne, text } from './shared.js';

const loggingFormat = exactlyOne(
  z.strictObject({
    text: text(1, MAX_TEXT_LOG_FORMAT_LENGTH).optional(),
    json: z
      .array(
        z.strictObject({ key: text(1, MAX_JSON_LOG_KEY_LENGTH), value: text(1, MAX_JSON_LOG_VALUE_LENGTH) }),
      )
      .optional(),
  }),
  ['text', 'json'],
);

/** `logging` of a node or gateway: `accessLog.file{path, format}`. */
export const logging = z.strictObject({
  accessLog: exactlyOne(
    z.strictObject({
      file: z
        .strictObject({ path: text(1, MAX_FILE_PATH_LENGTH), format: loggingFormat.optional() })
        .optional(),
    }),
    ['file'],
  ).optional(),
});
export type Logging = z.infer<typeof logging>;

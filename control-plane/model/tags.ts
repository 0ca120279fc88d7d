// Resource tags: at most 50 `{ key, value }` pairs with unique keys, returned as a record.

import { z } from 'zod';
import type { Problem } from '../errors.js';
import { MAX_TAG_KEY_LENGTH, MAX_TAG_VALUE_LENGTH, MAX_TAGS } from './constants.js';
import { ruleText, toProblems } from './issues.js';
import { checkUnique, text, withRule } from './shared.js';

const tagList = withRule(
  z.strictObject({
    tags: z
      .array(
        z.strictObject({ key: text(1, MAX_TAG_KEY_LENGTH), value: z.string().max(MAX_TAG_VALUE_LENGTH) }),
      )
      .max(MAX_TAGS),
  }),
  (value, report) => checkUnique(value.tags, ['tags'], ['key'], report),
);

/** Validate a `tags` list as received (`field` names it in problems); absent means no tags. */
export function validateTags(
  field: string,
  value: unknown,
): { ok: true; tags: Record<string, string> } | { ok: false; problems: Problem[] } {
  if (value === undefined) return { ok: true, tags: {} };
  const result = tagList.safeParse({ tags: value }, { error: ruleText });
  if (!result.success) {
    const problems = toProblems('', { tags: value }, result.error.issues).map((problem) => ({
      ...problem,
      path: field + problem.path.slice('tags'.length),
    }));
    return { ok: false, problems };
  }
  const tags: Record<string, string> = {};
  for (const tag of result.data.tags) tags[tag.key] = tag.value;
  return { ok: true, tags };
}

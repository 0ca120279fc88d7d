// Reads YAML or JSON (with CloudFormation's short-form tags) and finds the line and column of a field.

import {
  type CollectionTag,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseAllDocuments,
  type ScalarTag,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { ResourceFileError } from './errors.js';

/** CloudFormation's intrinsic functions, each with a `!Name` short form. */
const FUNCTIONS = [
  'And',
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Length',
  'Not',
  'Or',
  'Select',
  'Split',
  'Sub',
  'ToJsonString',
  'Transform',
];

/** `!Ref X` → `{ Ref: X }`, `!GetAtt A.B` → `{ 'Fn::GetAtt': [A, B] }`, `!Sub …` → `{ 'Fn::Sub': … }`, … */
export const CLOUDFORMATION_TAGS: (ScalarTag | CollectionTag)[] = [
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  { tag: '!Condition', resolve: (value: string) => ({ Condition: value }) },
  {
    tag: '!GetAtt',
    resolve: (value: string) => {
      const dot = value.indexOf('.');
      return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
    },
  },
  {
    tag: '!GetAtt',
    collection: 'seq',
    resolve: (seq: YAMLMap.Parsed | YAMLSeq.Parsed) => ({ 'Fn::GetAtt': seq.toJSON() }),
  },
  ...FUNCTIONS.flatMap((name): (ScalarTag | CollectionTag)[] => [
    { tag: `!${name}`, resolve: (value: string) => ({ [`Fn::${name}`]: value }) },
    {
      tag: `!${name}`,
      collection: 'seq',
      resolve: (seq: YAMLMap.Parsed | YAMLSeq.Parsed) => ({ [`Fn::${name}`]: seq.toJSON() }),
    },
    {
      tag: `!${name}`,
      collection: 'map',
      resolve: (map: YAMLMap.Parsed | YAMLSeq.Parsed) => ({ [`Fn::${name}`]: map.toJSON() }),
    },
  ]),
];

/** One YAML document of a file: its value, and where its fields are. */
export interface SourceDocument {
  readonly value: unknown;
  /** `file.yaml:12:7` for the deepest node of `path` found in the file (a key's position for a member). */
  locate(path: readonly (string | number)[]): string | undefined;
}

/** Every document in the file; a syntax error throws a `ResourceFileError` with its line and column. */
export function readYamlDocuments(text: string, fileName: string): SourceDocument[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, {
    customTags: CLOUDFORMATION_TAGS,
    lineCounter,
    uniqueKeys: true,
  });
  const list = Array.isArray(documents) ? documents : [];
  const problems = list.flatMap((doc) =>
    doc.errors.map((error) => {
      const at = error.linePos?.[0];
      return {
        ...(at !== undefined ? { location: `${fileName}:${at.line}:${at.col}` } : { location: fileName }),
        message: `not valid YAML/JSON: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
      };
    }),
  );
  if (problems.length > 0) throw new ResourceFileError(problems);
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return `${fileName}:${pos.line}:${pos.col}`;
  };
  return list.map((doc) => ({
    value: doc.toJS({ maxAliasCount: 1000 }),
    locate(path) {
      let node: unknown = doc.contents;
      let found: Node | undefined = isNodeWithRange(node) ? node : undefined;
      for (const segment of path) {
        if (isMap(node)) {
          const key = (item: Pair) => (isScalar(item.key) ? String(item.key.value) : undefined);
          // CloudFormation spells `dns` as DNS and `awsCloudMap` as AWSCloudMap: match exactly, else ignoring case.
          const pair =
            node.items.find((item) => key(item) === String(segment)) ??
            node.items.find((item) => key(item)?.toLowerCase() === String(segment).toLowerCase());
          if (pair === undefined) break;
          if (isNodeWithRange(pair.key)) found = pair.key;
          node = pair.value;
        } else if (isSeq(node) && typeof segment === 'number') {
          node = node.items[segment];
          if (isNodeWithRange(node)) found = node;
        } else {
          break;
        }
      }
      return found?.range ? at(found.range[0]) : undefined;
    },
  }));
}

function isNodeWithRange(value: unknown): value is Node {
  return (
    typeof value === 'object' && value !== null && 'range' in value && Array.isArray((value as Node).range)
  );
}

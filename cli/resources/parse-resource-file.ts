// Reads a resource file — a list of App Mesh resources or a CloudFormation template — into create inputs.

import { basename, extname } from 'node:path';
import { isTemplate, readTemplate } from './cloudformation.js';
import { type FileProblem, ResourceFileError } from './errors.js';
import { describeResource } from './kinds.js';
import { readNativeDocument } from './native-format.js';
import { addressId, addressOf, type ResourceInput } from './resource-input.js';
import { readYamlDocuments } from './yaml-source.js';

export interface ResourceFile {
  /** In the order the template's DependsOn and references ask; `applyResources` orders them further. */
  readonly resources: ResourceInput[];
  /** Lines for the user, such as what a template had that is not App Mesh and was skipped. */
  readonly notes: string[];
}

/**
 * Reads a YAML or JSON file of App Mesh resources or a CloudFormation template. Throws a
 * `ResourceFileError` listing every problem with its file, line, column and field.
 *
 * The resource list: each item is what `aws appmesh create-<kind> --cli-input-json` takes (`meshName`,
 * `virtualNodeName`, `spec`, `tags`, …) plus an optional `kind` (`VirtualNode`, `virtual-node`, …; when
 * left out it follows from the name members). Items may be a top-level list, under `resources:`, one per
 * YAML document, or Describe output (`{ virtualNode: … }`, `{ virtualNodes: [ … ] }`; `metadata` and
 * `status` are ignored), so `tessera get -o json|yaml` output applies as it is.
 */
export function readResourceFile(
  text: string,
  fileName: string,
  parameters: Readonly<Record<string, string>> = {},
): ResourceFile {
  const documents = readYamlDocuments(text, fileName);
  const problems: FileProblem[] = [];
  const resources: ResourceInput[] = [];
  const notes: string[] = [];
  const templates = documents.filter((doc) => isTemplate(doc.value));
  if (templates.length > 0) {
    if (documents.length > 1)
      problems.push({
        location: fileName,
        message: 'a CloudFormation template must be the only document in its file',
      });
    const template = readTemplate(
      templates[0]!,
      fileName,
      { parameters, stackName: stackNameOf(fileName) },
      problems,
    );
    resources.push(...template.resources);
    notes.push(...template.notes);
  } else {
    if (Object.keys(parameters).length > 0) {
      problems.push({
        location: fileName,
        message: `--parameter ${Object.keys(parameters).join(', ')}: parameters apply to CloudFormation templates, and this file is a resource list`,
      });
    }
    for (const doc of documents) resources.push(...readNativeDocument(doc, fileName, problems));
  }
  if (problems.length === 0) problems.push(...duplicates(resources));
  if (problems.length > 0) throw new ResourceFileError(problems);
  return { resources, notes };
}

/** The resources of a file; see `readResourceFile`. */
export function parseResourceFile(
  text: string,
  fileName: string,
  parameters?: Record<string, string>,
): ResourceInput[] {
  return readResourceFile(text, fileName, parameters).resources;
}

function duplicates(resources: readonly ResourceInput[]): FileProblem[] {
  const seen = new Map<string, ResourceInput>();
  const problems: FileProblem[] = [];
  for (const resource of resources) {
    const address = addressOf(resource);
    const id = addressId(address);
    const first = seen.get(id);
    if (first !== undefined) {
      problems.push({
        ...(resource.source !== undefined ? { location: resource.source } : {}),
        message: `${describeResource(address.kind, address.meshName, address.name, address.parentName)} is also defined at ${first.source ?? 'an earlier entry'}`,
      });
    } else {
      seen.set(id, resource);
    }
  }
  return problems;
}

/** `AWS::StackName` for a local apply: the file's name, as a stack would often be named after it. */
function stackNameOf(fileName: string): string {
  const stem = basename(fileName, extname(fileName)).replace(/[^A-Za-z0-9-]/g, '-');
  return /^[A-Za-z]/.test(stem) ? stem : `stack-${stem}`;
}

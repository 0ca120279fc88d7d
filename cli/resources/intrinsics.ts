// Evaluates CloudFormation's intrinsic functions and conditions in a template, for the resources Tessera
// creates: Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::If, Fn::FindInMap, Fn::Base64,
// Fn::Length, Fn::ToJsonString, and the condition functions.

type Path = readonly (string | number)[];

/** Something in the template that cannot be evaluated, at its path (`Resources.Blue.Properties.Spec`). */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(
    readonly path: Path,
    message: string,
  ) {
    super(message);
  }
}

/** What `Ref` and `Fn::GetAtt` of a template's resources give; supplied by the template reader. */
export interface ResourceValues {
  /** Whether the logical id is a resource in the template. */
  has(logicalId: string): boolean;
  ref(logicalId: string, path: Path): unknown;
  getAtt(logicalId: string, attribute: string, path: Path): unknown;
}

/** `AWS::NoValue`: the property it stands in is removed. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

const UNSUPPORTED: Record<string, string> = {
  'Fn::ImportValue': "needs another stack's exports; pass the value with --parameter instead",
  'Fn::GetAZs': "needs the account's availability zones",
  'Fn::Cidr': 'is not evaluated by tessera apply',
  'Fn::Transform': 'macros are not evaluated by tessera apply',
};

export class Intrinsics {
  readonly #conditions = new Map<string, boolean>();
  readonly #evaluating = new Set<string>();

  constructor(
    private readonly template: Record<string, unknown>,
    private readonly parameter: (name: string, path: Path) => unknown,
    private readonly pseudo: Readonly<Record<string, unknown>>,
    private readonly resources: ResourceValues,
  ) {}

  /** `value` with every intrinsic function evaluated and `AWS::NoValue` members removed. */
  resolve(value: unknown, path: Path): unknown {
    if (Array.isArray(value)) {
      return value.map((item, i) => this.resolve(item, [...path, i])).filter((item) => item !== NO_VALUE);
    }
    if (!isRecord(value)) return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'))) {
      return this.#call(keys[0]!, value[keys[0]!], [...path, keys[0]!]);
    }
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const resolved = this.resolve(value[key], [...path, key]);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }

  /** The logical ids of resources that `value` refers to (Ref, Fn::GetAtt, `${X}` / `${X.Attr}` in Fn::Sub). */
  references(value: unknown, found = new Set<string>()): Set<string> {
    if (Array.isArray(value)) {
      for (const item of value) this.references(item, found);
    } else if (isRecord(value)) {
      for (const [key, member] of Object.entries(value)) {
        if (key === 'Ref' && typeof member === 'string' && this.resources.has(member)) found.add(member);
        if (key === 'Fn::GetAtt') {
          const id = Array.isArray(member)
            ? member[0]
            : typeof member === 'string'
              ? member.split('.')[0]
              : undefined;
          if (typeof id === 'string' && this.resources.has(id)) found.add(id);
        }
        if (key === 'Fn::Sub') {
          const text = Array.isArray(member) ? member[0] : member;
          const vars = Array.isArray(member) && isRecord(member[1]) ? member[1] : {};
          if (typeof text === 'string') {
            for (const name of placeholders(text)) {
              const id = name.split('.')[0]!;
              if (!(id in vars) && this.resources.has(id)) found.add(id);
            }
          }
        }
        this.references(member, found);
      }
    }
    return found;
  }

  /** The value of a named condition in `Conditions`. */
  condition(name: string, path: Path): boolean {
    const known = this.#conditions.get(name);
    if (known !== undefined) return known;
    const conditions = isRecord(this.template.Conditions) ? this.template.Conditions : {};
    if (!(name in conditions))
      throw new TemplateError(path, `condition ${name} is not defined in Conditions`);
    if (this.#evaluating.has(name)) throw new TemplateError(path, `condition ${name} depends on itself`);
    this.#evaluating.add(name);
    const value = this.#truth(conditions[name], ['Conditions', name]);
    this.#evaluating.delete(name);
    this.#conditions.set(name, value);
    return value;
  }

  #truth(value: unknown, path: Path): boolean {
    if (isRecord(value) && typeof value.Condition === 'string' && Object.keys(value).length === 1) {
      return this.condition(value.Condition, [...path, 'Condition']);
    }
    const result = this.resolve(value, path);
    if (typeof result === 'boolean') return result;
    if (result === 'true' || result === 'false') return result === 'true';
    throw new TemplateError(
      path,
      `must be a condition (Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition), got ${JSON.stringify(result)}`,
    );
  }

  #call(fn: string, arg: unknown, path: Path): unknown {
    const args = (count: number): unknown[] => {
      if (!Array.isArray(arg) || arg.length !== count)
        throw new TemplateError(path, `takes a list of ${count} values, got ${JSON.stringify(arg)}`);
      return arg;
    };
    switch (fn) {
      case 'Ref':
        return this.#ref(arg, path);
      case 'Fn::GetAtt': {
        const [id, attribute] =
          typeof arg === 'string'
            ? [arg.slice(0, arg.indexOf('.')), arg.slice(arg.indexOf('.') + 1)]
            : args(2);
        const name = this.resolve(attribute, [...path, 1]);
        if (typeof id !== 'string' || typeof name !== 'string')
          throw new TemplateError(path, 'takes [LogicalId, Attribute]');
        if (!this.resources.has(id)) throw new TemplateError(path, `no resource ${id} in the template`);
        return this.resources.getAtt(id, name, path);
      }
      case 'Fn::Sub':
        return this.#sub(arg, path);
      case 'Fn::Join': {
        const [delimiter, list] = args(2);
        const items = this.resolve(list, [...path, 1]);
        if (typeof delimiter !== 'string' || !Array.isArray(items))
          throw new TemplateError(path, 'takes [delimiter, [values…]]');
        return items.map((item, i) => scalarText(item, [...path, 1, i])).join(delimiter);
      }
      case 'Fn::Select': {
        const [index, list] = args(2);
        const at = Number(this.resolve(index, [...path, 0]));
        const items = this.resolve(list, [...path, 1]);
        if (!Array.isArray(items) || !Number.isInteger(at) || at < 0 || at >= items.length) {
          throw new TemplateError(path, `index ${String(index)} is not in the list ${JSON.stringify(items)}`);
        }
        return items[at];
      }
      case 'Fn::Split': {
        const [delimiter, text] = args(2);
        const value = this.resolve(text, [...path, 1]);
        if (typeof delimiter !== 'string' || typeof value !== 'string')
          throw new TemplateError(path, 'takes [delimiter, string]');
        return value.split(delimiter);
      }
      case 'Fn::If': {
        const [name, whenTrue, whenFalse] = args(3);
        if (typeof name !== 'string')
          throw new TemplateError(path, 'takes [ConditionName, valueIfTrue, valueIfFalse]');
        return this.condition(name, [...path, 0])
          ? this.resolve(whenTrue, [...path, 1])
          : this.resolve(whenFalse, [...path, 2]);
      }
      case 'Fn::Equals': {
        const [a, b] = args(2);
        return (
          JSON.stringify(this.resolve(a, [...path, 0])) === JSON.stringify(this.resolve(b, [...path, 1]))
        );
      }
      case 'Fn::Not':
        return !this.#truth(args(1)[0], [...path, 0]);
      case 'Fn::And':
      case 'Fn::Or': {
        if (!Array.isArray(arg)) throw new TemplateError(path, 'takes a list of conditions');
        const values = arg.map((item, i) => this.#truth(item, [...path, i]));
        return fn === 'Fn::And' ? values.every(Boolean) : values.some(Boolean);
      }
      case 'Fn::FindInMap': {
        const [map, first, second] = args(3).map((item, i) => this.resolve(item, [...path, i]));
        const mappings = isRecord(this.template.Mappings) ? this.template.Mappings : {};
        const table = mappings[String(map)];
        const row = isRecord(table) ? table[String(first)] : undefined;
        const found = isRecord(row) ? row[String(second)] : undefined;
        if (found === undefined)
          throw new TemplateError(path, `Mappings has no ${String(map)}.${String(first)}.${String(second)}`);
        return this.resolve(found, ['Mappings', String(map), String(first), String(second)]);
      }
      case 'Fn::Base64':
        return Buffer.from(scalarText(this.resolve(arg, path), path)).toString('base64');
      case 'Fn::Length': {
        const items = this.resolve(arg, path);
        if (!Array.isArray(items)) throw new TemplateError(path, 'takes a list');
        return items.length;
      }
      case 'Fn::ToJsonString':
        return JSON.stringify(this.resolve(arg, path));
      default:
        throw new TemplateError(
          path,
          UNSUPPORTED[fn] !== undefined
            ? `${fn} ${UNSUPPORTED[fn]}`
            : `${fn} is not a CloudFormation function tessera apply knows`,
        );
    }
  }

  #ref(name: unknown, path: Path): unknown {
    if (typeof name !== 'string')
      throw new TemplateError(path, `takes a parameter or resource name, got ${JSON.stringify(name)}`);
    if (name === 'AWS::NoValue') return NO_VALUE;
    if (name.startsWith('AWS::')) {
      if (!(name in this.pseudo)) throw new TemplateError(path, `unknown pseudo parameter ${name}`);
      return this.pseudo[name];
    }
    const parameters = isRecord(this.template.Parameters) ? this.template.Parameters : {};
    if (name in parameters) return this.parameter(name, path);
    if (this.resources.has(name)) return this.resources.ref(name, path);
    throw new TemplateError(path, `${name} is neither a parameter nor a resource of the template`);
  }

  #sub(arg: unknown, path: Path): string {
    const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
    if (typeof text !== 'string' || !isRecord(vars))
      throw new TemplateError(path, 'takes a string, or [string, { Name: value }]');
    return text.replace(/\$\{([^}]*)\}/g, (_whole, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      if (name in vars) return scalarText(this.resolve(vars[name], [...path, 1, name]), path);
      const dot = name.indexOf('.');
      if (dot > 0 && !name.startsWith('AWS::')) {
        const id = name.slice(0, dot);
        if (!this.resources.has(id))
          throw new TemplateError(path, `\${${name}}: no resource ${id} in the template`);
        return scalarText(this.resources.getAtt(id, name.slice(dot + 1), path), path);
      }
      return scalarText(this.#ref(name, path), path);
    });
  }
}

/** The names in `${…}` placeholders of a Fn::Sub string (not `${!Literal}`). */
function placeholders(text: string): string[] {
  return [...text.matchAll(/\$\{([^}!][^}]*)\}/g)].map((match) => match[1]!);
}

function scalarText(value: unknown, path: Path): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  throw new TemplateError(path, `needs a string here, got ${JSON.stringify(value)}`);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

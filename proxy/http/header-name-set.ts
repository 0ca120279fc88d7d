// A set of header names matched in any case, cheaply: names of another length are ruled out before any
// lower-casing (most headers of a request are none of the names looked for).

export function headerNameSet(names: readonly string[]): (name: string) => boolean {
  const lower = new Set(names.map((name) => name.toLowerCase()));
  const lengths = new Set(names.map((name) => name.length));
  return (name) => lengths.has(name.length) && lower.has(name.toLowerCase());
}

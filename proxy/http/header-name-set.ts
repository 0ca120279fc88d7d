// Header names matched in any case, cheaply. A name read off the wire is a fresh string: lower-casing it
// and looking it up in a Set builds a new string and hashes it, per header of every message. Comparing
// it in place with the candidates of its length does neither, and most headers have no candidate at all.

/** Whether `name` equals `lower` (lower-case ASCII, as every header name looked for is) in any case. */
export function equalsLowerCase(name: string, lower: string): boolean {
  const length = lower.length;
  if (name.length !== length) return false;
  for (let i = 0; i < length; i++) {
    let c = name.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

export function headerNameSet(names: readonly string[]): (name: string) => boolean {
  // Indexed by length: the lower-case names of that length.
  const byLength: (readonly string[] | undefined)[] = [];
  for (const name of names) {
    const lower = name.toLowerCase();
    byLength[lower.length] = [...(byLength[lower.length] ?? []), lower];
  }
  return (name) => {
    if (name.length >= byLength.length) return false;
    const candidates = byLength[name.length];
    if (candidates === undefined) return false;
    for (let i = 0; i < candidates.length; i++) if (equalsLowerCase(name, candidates[i]!)) return true;
    return false;
  };
}

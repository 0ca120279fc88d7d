// IAM principal ARNs as the registration guard compares them: a session of a role is the role.

/**
 * The ARN a binding is stored under for the principal `arn`:
 * - `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` (what SigV4 authenticates for a task role or any
 *   assumed role) → `arn:aws:iam::ACCOUNT:role/ROLE`;
 * - `arn:aws:iam::ACCOUNT:role/PATH/ROLE` → `arn:aws:iam::ACCOUNT:role/ROLE` (a session ARN carries no
 *   path, and a role name is unique in its account whatever its path);
 * - anything else (IAM users, other partitions' forms) is returned unchanged.
 * The partition (`aws`, `aws-cn`, `aws-us-gov`, …) is kept.
 */
export function normalizePrincipal(arn: string): string {
  const assumed = /^arn:([a-z-]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(arn);
  if (assumed) return `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}`;
  const role = /^arn:([a-z-]+):iam::(\d{12}):role\/(?:[^/]+\/)*([^/]+)$/.exec(arn);
  if (role) return `arn:${role[1]}:iam::${role[2]}:role/${role[3]}`;
  return arn;
}

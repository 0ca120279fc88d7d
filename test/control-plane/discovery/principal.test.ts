import { describe, expect, it } from 'vitest';
import { normalizePrincipal } from '../../../control-plane/discovery/principal.js';

describe('normalizePrincipal', () => {
  it('turns an assumed-role session into its role', () => {
    expect(normalizePrincipal('arn:aws:sts::111122223333:assumed-role/app-task/abc123')).toBe(
      'arn:aws:iam::111122223333:role/app-task',
    );
  });

  it('keeps the partition', () => {
    expect(normalizePrincipal('arn:aws-cn:sts::111122223333:assumed-role/app-task/s')).toBe(
      'arn:aws-cn:iam::111122223333:role/app-task',
    );
  });

  it('drops a role path, which session ARNs do not carry', () => {
    expect(normalizePrincipal('arn:aws:iam::111122223333:role/service-role/mesh/app-task')).toBe(
      'arn:aws:iam::111122223333:role/app-task',
    );
  });

  it('leaves users and roles without a path unchanged', () => {
    for (const arn of ['arn:aws:iam::111122223333:user/alice', 'arn:aws:iam::111122223333:role/app-task']) {
      expect(normalizePrincipal(arn)).toBe(arn);
    }
  });
});

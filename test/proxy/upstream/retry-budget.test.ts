import { describe, expect, it } from 'vitest';
import { RetryBudget } from '../../../proxy/upstream/retry-budget.js';

function drain(budget: RetryBudget, max = 10_000): number {
  let allowed = 0;
  while (allowed < max && budget.tryWithdraw()) allowed++;
  return allowed;
}

describe('RetryBudget', () => {
  it('allows 20% of requests plus a floor of 10 per second', () => {
    let now = 1_000_000;
    const budget = new RetryBudget({ now: () => now });
    for (let i = 0; i < 100; i++) budget.deposit();
    expect(drain(budget)).toBe(20);
    now += 1_000; // a new second: the floor allows 10 more, the ratio nothing
    expect(drain(budget)).toBe(10);
    for (let i = 0; i < 100; i++) budget.deposit();
    expect(drain(budget)).toBe(10); // 200 requests → 40 retries in the window; 30 already spent
  });

  it('always allows the floor, even with no requests', () => {
    const budget = new RetryBudget({ now: () => 0 });
    expect(drain(budget)).toBe(10);
  });

  it('forgets requests and retries older than the window', () => {
    let now = 0;
    const budget = new RetryBudget({ now: () => now, minRetriesPerSecond: 0 });
    for (let i = 0; i < 50; i++) budget.deposit();
    expect(drain(budget)).toBe(10);
    now += 9_000;
    expect(drain(budget)).toBe(0);
    now += 1_000; // the first second has left the 10 s window
    expect(budget.window).toEqual({ requests: 0, retries: 0 });
    budget.deposit();
    expect(drain(budget)).toBe(1);
  });

  it('takes a custom ratio', () => {
    const budget = new RetryBudget({ now: () => 0, ratio: 0.5, minRetriesPerSecond: 0 });
    for (let i = 0; i < 10; i++) budget.deposit();
    expect(drain(budget)).toBe(5);
  });
});

import { judgeKOfN, judgeLeaders, judgeQuorum, judgeThreshold, majorityOf, resolveLevel } from './rules';

describe('judgeQuorum', () => {
  it.each([
    // [live, expected, status, reason]
    [3, 3, 'ok', '3/3 managers'],
    [2, 3, 'warning', '2/3 managers, no further failure tolerated'],
    [1, 3, 'critical', '1/3 managers: no quorum (2 needed)'],
    [0, 3, 'critical', '0/3 managers: no quorum (2 needed)'],
    [5, 5, 'ok', '5/5 managers'],
    [4, 5, 'warning', '4/5 managers, tolerates 1 more failure'],
    [3, 5, 'warning', '3/5 managers, no further failure tolerated'],
    [2, 5, 'critical', '2/5 managers: no quorum (3 needed)'],
    [7, 7, 'ok', '7/7 managers'],
    [5, 7, 'warning', '5/7 managers, tolerates 1 more failure'],
    [6, 7, 'warning', '6/7 managers, tolerates 2 more failures'],
    [3, 7, 'critical', '3/7 managers: no quorum (4 needed)'],
    [1, 1, 'ok', '1/1 managers'],
    [0, 1, 'critical', '0/1 managers: no quorum (1 needed)'],
    // Even counts: 2 of 4 is NOT a majority.
    [3, 4, 'warning', '3/4 managers, no further failure tolerated'],
    [2, 4, 'critical', '2/4 managers: no quorum (3 needed)'],
    [4, 3, 'ok', '4/3 managers (more than the 3 expected: update the expected count)'],
  ])('%i live of %i → %s', (live, expected, status, reason) => {
    expect(judgeQuorum(live, expected, 'managers')).toEqual({ status, reason });
  });

  it.each([
    [1, 1],
    [2, 2],
    [3, 2],
    [4, 3],
    [5, 3],
    [6, 4],
    [7, 4],
  ])('majority of %i is %i', (n, majority) => {
    expect(majorityOf(n)).toBe(majority);
  });
});

describe('judgeLeaders', () => {
  it.each([
    [0, 'critical', 'no leader'],
    [1, 'ok', 'one leader'],
    [2, 'critical', 'split brain: 2 leaders'],
    [3, 'critical', 'split brain: 3 leaders'],
  ])('%i leaders → %s', (leaders, status, reason) => {
    expect(judgeLeaders(leaders)).toEqual({ status, reason });
  });
});

describe('resolveLevel', () => {
  it.each([
    [2, 3, 2],
    ['50%', 3, 2],
    ['50%', 4, 2],
    ['100%', 3, 3],
    ['0%', 3, 0],
    ['66%', 3, 2],
    ['67%', 3, 3],
    ['33.4%', 3, 2],
  ] as const)('%s of %i is %i', (level, total, resolved) => {
    expect(resolveLevel(level, total)).toBe(resolved);
  });
});

describe('judgeKOfN', () => {
  it.each([
    // healthy, total, okAtLeast, warningAtLeast, status
    [4, 4, 4, 2, 'ok'],
    [3, 4, 4, 2, 'warning'],
    [2, 4, 4, 2, 'warning'],
    [1, 4, 4, 2, 'critical'],
    [3, 3, undefined, '50%', 'ok'],
    [2, 3, undefined, '50%', 'warning'],
    [1, 3, undefined, '50%', 'critical'],
    [0, 3, undefined, '50%', 'critical'],
    [9, 10, '90%', '50%', 'ok'],
    [8, 10, '90%', '50%', 'warning'],
    [5, 10, '90%', '50%', 'warning'],
    [4, 10, '90%', '50%', 'critical'],
  ] as const)('%i of %i (ok ≥ %s, warning ≥ %s) → %s', (healthy, total, okAtLeast, warningAtLeast, status) => {
    expect(judgeKOfN({ healthy, total, items: 'hosts', okAtLeast, warningAtLeast }).status).toBe(status);
  });

  it('says how many are wanted and needed', () => {
    expect(judgeKOfN({ healthy: 2, total: 3, items: 'hosts', warningAtLeast: '50%' }).reason).toBe(
      '2/3 hosts (3 wanted)'
    );
    expect(judgeKOfN({ healthy: 1, total: 3, items: 'hosts', warningAtLeast: '50%' }).reason).toBe(
      '1/3 hosts (at least 2 needed)'
    );
  });
});

describe('judgeThreshold', () => {
  it.each([
    [84.9, 'above', 85, 95, 'ok'],
    [85, 'above', 85, 95, 'warning'],
    [94.99, 'above', 85, 95, 'warning'],
    [95, 'above', 85, 95, 'critical'],
    [20, 'below', 15, 5, 'ok'],
    [15, 'below', 15, 5, 'warning'],
    [5, 'below', 15, 5, 'critical'],
    [Infinity, 'above', 85, 95, 'critical'],
    [NaN, 'above', 85, 95, 'unknown'],
    [1e12, 'above', 1, undefined, 'warning'],
    [0, 'above', 1, undefined, 'ok'],
  ] as const)('%d %s (warning %d, critical %s) → %s', (value, direction, warning, critical, status) => {
    expect(judgeThreshold({ value, direction, warning, critical })).toBe(status);
  });
});

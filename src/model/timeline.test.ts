import { dampStatuses, rangeSteps, statusChanges } from './timeline';
import type { Status } from './status';

const MINUTE = 60_000;
const times = (n: number) => Array.from({ length: n }, (_, i) => i * MINUTE);

describe('dampStatuses', () => {
  it.each<[string, number, Status[], Status[]]>([
    ['no damping shows every change', 0, ['ok', 'warning', 'ok'], ['ok', 'warning', 'ok']],
    [
      'a change shows once it has held for the damping',
      2 * MINUTE,
      ['ok', 'warning', 'ok', 'warning', 'warning', 'warning'],
      ['ok', 'ok', 'ok', 'ok', 'ok', 'warning'],
    ],
    ['recovery is damped too', MINUTE, ['critical', 'ok', 'ok'], ['critical', 'critical', 'ok']],
    ['flapping stays quiet', MINUTE, ['ok', 'critical', 'ok', 'critical', 'ok'], ['ok', 'ok', 'ok', 'ok', 'ok']],
    [
      'a new status during a pending change restarts the clock',
      MINUTE,
      ['ok', 'warning', 'critical', 'critical'],
      ['ok', 'ok', 'ok', 'critical'],
    ],
  ])('%s', (_, damping, raw, shown) => {
    expect(dampStatuses(times(raw.length), raw, damping)).toEqual(shown);
  });
});

describe('statusChanges', () => {
  it('lists each change with its time', () => {
    expect(statusChanges('swarm', times(4), ['ok', 'warning', 'warning', 'ok'])).toEqual([
      { time: MINUTE, subject: 'swarm', from: 'ok', to: 'warning' },
      { time: 3 * MINUTE, subject: 'swarm', from: 'warning', to: 'ok' },
    ]);
  });
});

describe('rangeSteps', () => {
  it('steps from start to end inclusive', () => {
    expect(rangeSteps(0, 3 * MINUTE, MINUTE)).toEqual([0, MINUTE, 2 * MINUTE, 3 * MINUTE]);
  });
});

import { describe, expect, it } from 'vitest';
import { ReadGate } from './read-gate.js';

describe('ReadGate', () => {
  it('pauses on the first reason and resumes only when the last is released', () => {
    const calls: string[] = [];
    const gate = new ReadGate({
      pause: () => calls.push('pause'),
      resume: () => calls.push('resume'),
    });
    gate.hold('budget');
    gate.hold('queue');
    gate.hold('queue');
    gate.release('budget');
    expect(calls).toEqual(['pause']);
    expect(gate.isHeld('queue')).toBe(true);
    gate.release('queue');
    gate.release('queue');
    expect(calls).toEqual(['pause', 'resume']);
    expect(gate.isHeld('queue')).toBe(false);
  });
});

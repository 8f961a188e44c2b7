import { describe } from 'vitest';
import { MemoryHistory } from './history.js';
import { historyContract } from './testing/history-contract.js';

describe('MemoryHistory', () => {
  historyContract(() => Promise.resolve(new MemoryHistory()));
});

/**
 * A token bucket per socket: `rate` frames a second with bursts of twice that. Frames are never
 * refused for the budget: a socket that overspends is simply not read until it is back in credit,
 * which keeps its frames in order and pushes the cost back onto the sender's TCP buffers.
 */
export class FrameBudget {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    now: number,
  ) {
    this.tokens = rate * 2;
    this.last = now;
  }

  /** Spends one frame's token; returns 0 when it was there, else the ms until it will have been. */
  spend(now: number): number {
    this.tokens = Math.min(this.rate * 2, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.rate) * 1000);
  }
}

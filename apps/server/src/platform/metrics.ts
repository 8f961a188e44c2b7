import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Sizes of `knock_write_batch_writes`. The last bucket holds the largest batch the write queue
 * makes (2,000 sends and their share of cursor writes), so no batch is counted only under +Inf.
 */
export const WRITE_BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 2500];

/** The node's Prometheus metrics, on a registry of its own (tests build several apps). */
export class Metrics {
  readonly registry = new Registry();
  readonly connections = new Gauge({
    name: 'knock_ws_connections',
    help: 'Open WebSocket connections.',
    registers: [this.registry],
  });
  readonly messagesIn = new Counter({
    name: 'knock_messages_in_total',
    help: 'Messages received from senders and committed.',
    registers: [this.registry],
  });
  readonly messagesOut = new Counter({
    name: 'knock_messages_out_total',
    help: 'Messages delivered to recipients (live or replayed from storage).',
    registers: [this.registry],
  });
  readonly framesOut = new Counter({
    name: 'knock_frames_out_total',
    help: 'Frames sent to clients (messages, acks, receipts, events).',
    registers: [this.registry],
  });
  readonly acks = new Counter({
    name: 'knock_acks_total',
    help: 'Delivery acknowledgements received from recipients.',
    registers: [this.registry],
  });
  readonly throttled = new Counter({
    name: 'knock_ws_throttled_total',
    help: 'Times a socket went over its frame budget and was not read until back in credit.',
    registers: [this.registry],
  });
  readonly heldForQueue = new Counter({
    name: 'knock_ws_held_for_queue_total',
    help: 'Times a socket was not read because the write queue was past half its capacity.',
    registers: [this.registry],
  });
  readonly writeBatchSeconds = new Histogram({
    name: 'knock_write_batch_seconds',
    help: 'Time to commit one group-commit batch: its transaction and fsync (on SQLite, on the writer thread).',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly writeBatchSize = new Histogram({
    name: 'knock_write_batch_writes',
    help: 'Writes (sends, acks, read markers) committed together in one batch.',
    buckets: WRITE_BATCH_BUCKETS,
    registers: [this.registry],
  });
  readonly refusedUpgrades = new Counter({
    name: 'knock_ws_refused_total',
    help: 'WebSocket upgrades refused, by reason.',
    labelNames: ['reason'],
    registers: [this.registry],
  });

  constructor(sources: { queueDepth: () => number; busHealthy: () => boolean }) {
    // Includes nodejs_eventloop_lag_seconds and the process's CPU and memory.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
    new Gauge({
      name: 'knock_write_queue_depth',
      help: 'Writes waiting for the next group commit.',
      registers: [this.registry],
      collect() {
        this.set(sources.queueDepth());
      },
    });
    new Gauge({
      name: 'knock_bus_healthy',
      help: '1 while the cross-node bus (Redis) answers, 0 while events stay on this node.',
      registers: [this.registry],
      collect() {
        this.set(sources.busHealthy() ? 1 : 0);
      },
    });
  }
}

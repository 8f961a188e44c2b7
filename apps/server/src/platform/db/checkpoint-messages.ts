/** From the event loop to the checkpointer's thread. */
export type CheckpointRequest = { kind: 'close' };

/** Back from the checkpointer: a checkpoint that failed, or that its connection is closed. */
export type CheckpointReply = { kind: 'failed'; message: string } | { kind: 'closed' };

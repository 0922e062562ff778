import { MlffdError } from '@mlff-distiller/core';

/** A student checkpoint or model file that cannot be used; the message names the file and the problem. */
export class CheckpointError extends MlffdError {}

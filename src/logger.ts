/**
 * Structured logging (pino) to stderr, so that stdout stays free for command output.
 * Never log rows, names of people or query parameters: disciplinary data concerns people.
 */
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  return pino({ level, base: undefined }, pino.destination(2));
}

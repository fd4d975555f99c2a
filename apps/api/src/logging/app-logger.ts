import type { Logger } from 'pino';

/** Injection token for the process's pino logger (an abstract class doubles as a Nest token). */
export abstract class AppLogger {
  abstract info: Logger['info'];
  abstract warn: Logger['warn'];
  abstract error: Logger['error'];
  abstract debug: Logger['debug'];
}

// chalk 5 does not honour NO_COLOR by itself: colour only a TTY, never with NO_COLOR, always with FORCE_COLOR.
import { Chalk, type ChalkInstance } from 'chalk';

export function makeChalk(stream: NodeJS.WriteStream = process.stdout): ChalkInstance {
  const env = process.env;
  const forced = env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0';
  const disabled = env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '';
  const level = forced ? 1 : disabled || stream.isTTY !== true ? 0 : 1;
  return new Chalk({ level });
}

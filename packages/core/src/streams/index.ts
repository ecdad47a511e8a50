export { splitLines } from './lines.ts';
export {
  exportNdjson,
  GOAL_RECORD_SCHEMA,
  goalToNdjson,
  ImportInterruptedError,
  type ImportOptions,
  InvalidLineError,
  importNdjson,
  type NdjsonLine,
  readNdjson,
} from './ndjson.ts';
export {
  exportSinger,
  goalJsonSchema,
  SINGER_STREAM,
  type SingerMessage,
  type SingerOptions,
  type SingerState,
} from './singer.ts';

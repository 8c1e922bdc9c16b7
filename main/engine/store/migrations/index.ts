import { migration001 } from './001-media-captions';
import { migration002 } from './002-vectors';
import { migration003 } from './003-job-errors';
import { migration004 } from './004-curation';
import { migration005 } from './005-graph-catch-up';
import { migration006 } from './006-version-heads';
import type { Migration } from './migration';

/** Every migration, in order. A new schema step is a new numbered file appended here. */
export const migrations: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
];

/** One numbered schema step, run in its own transaction against `PRAGMA user_version` (style.md, Signal). */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

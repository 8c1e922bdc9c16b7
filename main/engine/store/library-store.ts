import { BrowseQueries } from './browse-queries';
import { CaptionQueries } from './caption-queries';
import { CurationQueries } from './curation-queries';
import { GraphQueries } from './graph-queries';
import { IngestQueries } from './ingest-queries';
import { JobQueries } from './job-queries';
import {
  openLibraryDatabase,
  translateSqliteError,
  type LibraryDatabase,
  type OpenDatabaseOptions,
} from './library-database';
import { MediaQueries } from './media-queries';
import { ModelVersionQueries } from './model-version-queries';
import { SettingQueries } from './setting-queries';
import { VectorQueries } from './vector-queries';
import { VersionQueries } from './version-queries';

/**
 * One library's SQLite file with its named queries (style.md: SQL only here, statements prepared once,
 * rows mapped by small functions). Not thread-safe by design: one owner, in one worker.
 *
 * @example
 *   const store = LibraryStore.open('/photos/library.pairscope');
 *   const id = store.transaction(() => store.media.upsert({ path, root, contentHash, size, mtimeMs, kind: 'jpeg' }));
 *   store.close();
 */
export class LibraryStore {
  readonly media: MediaQueries;
  readonly captions: CaptionQueries;
  readonly vectors: VectorQueries;
  readonly graphs: GraphQueries;
  readonly modelVersions: ModelVersionQueries;
  readonly jobs: JobQueries;
  readonly settings: SettingQueries;
  readonly ingest: IngestQueries;
  readonly browse: BrowseQueries;
  readonly curation: CurationQueries;
  readonly versions: VersionQueries;
  private closed = false;

  private constructor(private readonly database: LibraryDatabase) {
    const db = database.db;
    try {
      this.media = new MediaQueries(db);
      this.captions = new CaptionQueries(db);
      this.vectors = new VectorQueries(db);
      this.graphs = new GraphQueries(db);
      this.modelVersions = new ModelVersionQueries(db);
      this.jobs = new JobQueries(db);
      this.settings = new SettingQueries(db);
      this.ingest = new IngestQueries(db);
      this.browse = new BrowseQueries(db);
      this.curation = new CurationQueries(db);
      this.versions = new VersionQueries(db);
    } catch (e) {
      throw translateSqliteError(e, database.file);
    }
  }

  static open(file: string, options?: OpenDatabaseOptions): LibraryStore {
    const database = openLibraryDatabase(file, options);
    try {
      return new LibraryStore(database);
    } catch (e) {
      database.close();
      throw e;
    }
  }

  get file(): string {
    return this.database.file;
  }

  get schemaVersion(): number {
    return this.database.schemaVersion;
  }

  /** Runs `fn` in one write transaction (BEGIN IMMEDIATE); damage errors come back naming the file. */
  transaction<T>(fn: () => T): T {
    try {
      return this.database.db.transaction(fn).immediate();
    } catch (e) {
      throw translateSqliteError(e, this.database.file);
    }
  }

  /** Statements die with the connection; then the lock file goes (close order: index → statements → db → lock). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.database.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

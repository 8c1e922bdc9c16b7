/**
 * A real second process for the crash test: imports a folder and prints one line per committed batch
 * (`committed <done>`), then the JSON summary. The test SIGKILLs it mid-way and runs it again.
 * Usage: node --import tsx import-child.ts <library> <bundle> <folder>
 */
import { ImportSession } from '../import-session';

const [library, bundleDir, folder] = process.argv.slice(2) as [string, string, string];
let last = -1;
const session = await ImportSession.open({
  library,
  bundleDir,
  batchSize: 4,
  onProgress: (p) => {
    if (p.state === 'running' && p.done !== last) {
      last = p.done;
      process.stdout.write(`progress ${p.done}\n`);
    }
  },
});
const resumed = session.ingest.runner.resumeUnfinished();
const jobId = resumed[0] ?? session.ingest.importFolder(folder);
const summary = await session.ingest.finished(jobId);
const timing = session.ingest.timings.get(jobId);
process.stdout.write(
  `summary ${JSON.stringify({ ...summary, resumed: resumed.length > 0, embeddedThisRun: timing?.embeddedImages ?? 0 })}\n`,
);
await session.close();

// Child process for the lock test: opens a library, says so on stdout, and holds it until killed or stdin closes.
import { LibraryStore } from '../library-store';

const store = LibraryStore.open(process.argv[2]!);
process.stdout.write(`opened ${process.pid}\n`);
process.stdin.on('end', () => {
  store.close();
  process.exit(0);
});
process.stdin.resume();

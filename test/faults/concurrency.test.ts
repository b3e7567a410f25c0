/** Issue 9 item 1 at the sizes: the same tests as test/api/faults-concurrency.test.ts with SHN_FAULTS=full. */
import '../api/faults-concurrency.test.ts';

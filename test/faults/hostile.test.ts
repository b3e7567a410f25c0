/** Issue 9 item 4 at the sizes: test/api/faults-hostile.test.ts run with SHN_FAULTS=full. */
import '../api/faults-hostile.test.ts';
